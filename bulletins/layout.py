"""The shipped Word templates, built with the 公文 layout (core/officialdoc.py) and docxtpl tags.

`chuangwen word-templates` writes them to bulletins/templates/bulletins/, where they ship; an office downloads one,
restyles it in Word/WPS (the paragraph styles "GW …" carry the layout) and uploads it. Tables are filled in at
render time as subdocuments (`{{ ranking_table }}`), so their widths follow their content.
"""

from __future__ import annotations

from core import officialdoc as od

AUTHOR = "创文"


def _head(document) -> None:
    od.paragraph(document, "{{ office }}", od.OFFICE)
    numbered = od.paragraph(document, "{{ number }}", od.NUMBER)
    od.red_line(numbered)
    od.paragraph(document, "{{ title }}", od.TITLE)
    od.paragraph(document, "{{ addressee }}", od.ADDRESSEE)


def _tail(document) -> None:
    od.paragraph(document, "{{ signature }}", od.SIGNATURE)
    od.paragraph(document, "{{ date }}", od.DATE)
    od.add_footer_block(document, [("{{ cc }}", ""), ("{{ printer }}", "{{ printed_on }}印发")])


def _lines(document, tags: list[tuple[str, od.Look]]) -> None:
    for text, look in tags:
        od.paragraph(document, text, look)


def bulletin_template() -> bytes:
    """通报 of a score publication: scope and method, ranking, 加减分, 红榜/黑榜, typical problems with photos,
    overdue problems, what must be fixed by when."""
    document = od.new_document("考核情况通报（模板）", AUTHOR)
    _head(document)
    body, h1, h2 = od.BODY, od.HEADING1, od.HEADING2
    _lines(
        document,
        [
            ("{{ intro }}", body),
            ("一、考核范围和方法", h1),
            ("{{ scope_text }}", body),
            ("{{ method_table }}", body),
            ("{{ method_text }}", body),
            ("二、考核结果", h1),
            ("{{ result_text }}", body),
            ("{{ ranking_table }}", body),
            ("（一）加减分情况", h2),
            ("{%p for a in adjustments %}", body),
            ("{{ loop.index }}. {{ a.unit }}：{{ a.reason }}，{{ a.signed }}分。", body),
            ("{%p endfor %}", body),
            ("{%p if not adjustments %}", body),
            ("本期无加减分。", body),
            ("{%p endif %}", body),
            ("（二）红榜", h2),
            ("{{ red_text }}", body),
            ("（三）黑榜", h2),
            ("{{ black_text }}", body),
            ("{{ lists_rule }}", body),
            ("三、存在的主要问题", h1),
            ("{{ problems_text }}", body),
            ("{%p for p in problems %}", body),
            ("（{{ loop.index }}）{{ p.heading }}", h2),
            ("{{ p.text }}", body),
            ("{%p if p.photo %}", body),
            ("{{ p.photo }}", od.CAPTION),
            ("{%p endif %}", body),
            ("{%p endfor %}", body),
            ("四、逾期未整改问题", h1),
            ("{{ overdue_text }}", body),
            ("{%p if overdue %}", body),
            ("{{ overdue_table }}", body),
            ("{%p endif %}", body),
            ("五、整改要求", h1),
            ("{{ fix_text }}", body),
            ("{%p if open_units %}", body),
            ("{{ fix_table }}", body),
            ("{%p endif %}", body),
            ("{{ closing }}", od.CLOSING),
        ],
    )
    _tail(document)
    return od.save(document)


def round_template() -> bytes:
    """督查通报 of an inspection round: scope, towns ranked, problems by town and site with photos, overdue."""
    document = od.new_document("督查情况通报（模板）", AUTHOR)
    _head(document)
    body, h1, h2 = od.BODY, od.HEADING1, od.HEADING2
    _lines(
        document,
        [
            (
                "{{ starts_on }}至{{ ends_on }}，县创建办组织开展了{{ round }}（{{ kind }}），依据《{{ edition }}》，"
                "对{{ site_count }}个点位进行了检查，已检查{{ inspected }}个，总体得分率{{ score_rate }}，及格率"
                "{{ pass_rate }}，发现问题{{ problem_count }}个，截至通报时仍有{{ open_count }}个未整改完成。"
                "现将有关情况通报如下。",
                body,
            ),
            ("一、检查范围", h1),
            ("{{ scope_table }}", body),
            ("二、各街道（乡镇）得分及排名", h1),
            ("{{ ranking_table }}", body),
            ("三、发现的主要问题", h1),
            ("{%p for town in towns %}", body),
            ("（{{ loop.index }}）{{ town.name }}：{{ town.count }}个问题", h2),
            ("{%p for site in town.sites %}", body),
            ("{{ site.name }}（{{ site.site_type }}）", body),
            ("{%p for p in site.problems %}", body),
            (
                "{{ loop.index }}. {{ p.line }}{% if p.note %}：{{ p.note }}{% endif %}（问题编号{{ p.case }}，{{ p.state }}）",
                body,
            ),
            ("{%p if p.photo %}", body),
            ("{{ p.photo }}", od.CAPTION),
            ("{%p endif %}", body),
            ("{%p endfor %}", body),
            ("{%p endfor %}", body),
            ("{%p endfor %}", body),
            ("四、超期未整改问题", h1),
            ("{%p if overdue %}", body),
            ("{{ overdue_table }}", body),
            ("{%p else %}", body),
            ("无超期未整改问题。", body),
            ("{%p endif %}", body),
            ("请各责任单位对照问题清单，在整改时限内完成整改并按要求反馈。", od.CLOSING),
        ],
    )
    _tail(document)
    return od.save(document)


def survey_template() -> bytes:
    """问卷调查情况报告 of a survey run: how it ran, every question's rate against its target, rates by town,
    what must improve."""
    document = od.new_document("问卷调查情况报告（模板）", AUTHOR)
    _head(document)
    body, h1 = od.BODY, od.HEADING1
    _lines(
        document,
        [
            ("{{ starts_on }}至{{ ends_on }}，县创建办组织开展了{{ run }}。现将调查情况报告如下。", body),
            ("一、调查基本情况", h1),
            ("{{ basics_text }}", body),
            ("{{ method_text }}", body),
            ("二、调查结果", h1),
            ("{{ rates_table }}", body),
            ("三、各街道（乡镇）情况", h1),
            ("{{ town_text }}", body),
            ("{%p if towns %}", body),
            ("{{ towns_table }}", body),
            ("{%p endif %}", body),
            ("四、需重点改进的方面", h1),
            ("{%p for m in missed %}", body),
            ("{{ loop.index }}. {{ m.question }}：肯定率{{ m.rate }}，低于目标{{ m.target }}。", body),
            ("{%p endfor %}", body),
            ("{%p if not missed %}", body),
            ("各题肯定率均达到或接近目标。", body),
            ("{%p endif %}", body),
            ("{{ closing }}", od.CLOSING),
        ],
    )
    _tail(document)
    return od.save(document)
