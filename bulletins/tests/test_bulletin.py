"""Bulletins are read back: the Word file (python-docx) for its layout and every section's numbers, the PDF's text
(pdftotext) against the Word file's, and the Excel numbers."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from bulletins.bulletin import bulletin_context, default_template, render_xlsx, sample_context
from bulletins.models import BulletinTemplate
from core import officialdoc as od
from core.excel import active_sheet
from core.models import Period
from core.tests.sheets import assert_forwardable
from jobs.models import GeneratedFile
from org.models import UnitKind
from scoring import actions
from scoring.models import Adjustment, ComponentKind

NAME = "示范县2026年第三季度街道乡镇文明城市创建工作考核情况通报（草稿）"


@pytest.fixture
def publication(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 3)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.update_component(
        county.office_admin, scheme.components.get(kind=ComponentKind.RECTIFICATION), Decimal(40), {}
    )
    actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.BONUS,
        points=Decimal("1.5"),
        reason="获评省级文明社区",
    )
    actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_a,
        kind=Adjustment.Kind.PENALTY,
        points=Decimal("2"),
        reason="被央视曝光",
    )
    return actions.publish(county.office_admin, scheme)


@pytest.fixture
def make(django_capture_on_commit_callbacks):
    """Ask for a bulletin like the page does, run the queued job (tests run inside a transaction), download it."""

    def _make(client, publication, fmt) -> tuple[bytes, str]:
        with django_capture_on_commit_callbacks(execute=True):
            redirect = client.post(reverse("bulletins:bulletin", args=[publication.pk]), {"format": fmt})
        job = GeneratedFile.objects.latest("pk")
        response = client.get(redirect["Location"])
        return _check(client, job, response)

    return _make


def _check(client, job, response) -> tuple[bytes, str]:
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.DONE, job.error
    assert "Download" in response.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    return b"".join(download.streaming_content), download["Content-Disposition"]


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_word_bulletin_is_a_gongwen_with_every_section(county, publication, login, make):
    data, disposition = make(login(county.office_admin), publication, "docx")
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert [
        round(m.mm)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        if m is not None
    ] == [37, 35, 28, 26]
    office = next(p for p in document.paragraphs if getattr(p.style, "name", "") == od.OFFICE.name)
    assert office.text == "创建办" and document.styles[od.OFFICE.name].font.color.rgb == od.RED
    assert od.east_asian_font(document.styles[od.TITLE.name].element) == "方正小标宋简体"
    assert od.east_asian_font(document.styles[od.BODY.name].element) == "仿宋_GB2312"
    text = _text(document)
    assert "示创办〔2026〕　号" in text  # a draft: the number is given when the bulletin is issued
    assert "示范县2026年第三季度街道乡镇文明城市创建工作考核情况通报" in text
    for heading in ("一、考核范围和方法", "二、考核结果", "（一）加减分情况", "（二）红榜", "（三）黑榜",
                    "三、存在的主要问题", "四、逾期未整改问题", "五、整改要求"):  # fmt: skip
        assert heading in text, heading
    assert "1. 柳河镇：获评省级文明社区，+1.50分。" in text
    assert "2. 城关街道：被央视曝光，−2.00分。" in text
    # Two units on lists of three would stand on both: neither list names them.
    assert "本期不列红榜。" in text and "本期不列黑榜。" in text and "红榜、黑榜各列3个单位" in text
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    header = _rows(ranking)[0]
    assert header == ["名次", "单位", "实地考察", "网上申报", "问题整改", "问卷调查", "加分", "扣分", "总分"]
    # Components given no points print "—"; the deduction carries its sign.
    assert _rows(ranking)[1:] == [
        ["1", "柳河镇", "—", "—", "40.00", "—", "+1.50", "0.00", "41.50"],
        ["2", "城关街道", "—", "—", "40.00", "—", "0.00", "−2.00", "38.00"],
    ]
    assert ranking.rows[0]._tr.get_or_add_trPr().find(qn("w:tblHeader")) is not None
    signature = [
        p.text
        for p in document.paragraphs
        if getattr(p.style, "name", "") in (od.SIGNATURE.name, od.DATE.name)
    ]
    assert signature[0] == "创建办" and signature[1].endswith("日")
    footer_block = document.tables[-1]
    assert footer_block.rows[0].cells[0].text.startswith("抄送：") and footer_block.rows[1].cells[
        1
    ].text.endswith("印发")
    assert "filename*=utf-8''" in disposition and "%E8%8D%89%E7%A8%BF" in disposition  # …（草稿）.docx


def test_the_pdf_holds_the_same_text_as_the_word_file(county, publication, login, make, tmp_path):
    client = login(county.office_admin)
    word = Document(io.BytesIO(make(client, publication, "docx")[0]))
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(make(client, publication, "pdf")[0])
    text = "".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    blocks = [p.text for p in word.paragraphs] + [
        c.text for t in word.tables for r in t.rows for c in r.cells
    ]
    missing = [b for b in blocks if "".join(b.split()) not in text]
    assert not missing
    assert "−2.00" in text and "41.50" in text and "获评省级文明社区" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif-CJK-SC" in fonts and "JP" not in fonts, (
        "the Simplified Chinese faces, named explicitly"
    )


def test_the_excel_score_table(county, publication, login, make):
    workbook = load_workbook(io.BytesIO(make(login(county.office_admin), publication, "xlsx")[0]))
    sheet = active_sheet(workbook)
    titles = assert_forwardable(sheet)
    assert sheet["A1"].value.startswith("示范县2026") and "第1版" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == (1, "柳河镇") and rows[0][2] == "—" and rows[0][-2] == 41.5
    assert rows[1][-3] == -2  # 城关街道's deduction
    bonus, penalty = titles.index("加分") + 1, titles.index("扣分") + 1
    assert sheet.cell(3, bonus).value == 1.5 and sheet.cell(3, bonus).number_format.startswith("+0.00;")
    assert sheet.cell(3, penalty).number_format == '+0.00;"−"0.00;0.00'


def test_the_excel_deduction_carries_its_sign():
    context = sample_context()
    workbook = load_workbook(io.BytesIO(render_xlsx(context)))
    sheet = active_sheet(workbook)
    assert sheet.cell(4, 6).value == -2  # 柳河镇's 2.00 deducted, written as −2.00
    context["rows"][0]["parts"][1] = "—"  # a component the scheme gives no points this period
    sheet = active_sheet(load_workbook(io.BytesIO(render_xlsx(context))))
    assert sheet.cell(3, 4).value == "—"


def test_the_download_is_named_by_county_period_kind_and_number(county, publication, login, make):
    _, disposition = make(login(county.office_admin), publication, "pdf")
    assert quote(f"{NAME}.pdf") in disposition and "/" not in disposition.split("filename*=")[1]


def test_units_cannot_make_bulletins_or_fetch_others_files(county, publication, login, make):
    assert (
        login(county.handler_a)
        .post(reverse("bulletins:bulletin", args=[publication.pk]), {"format": "pdf"})
        .status_code
        == 403
    )
    make(login(county.office_admin), publication, "xlsx")
    job = GeneratedFile.objects.get()
    assert login(county.leader).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_uploaded_template_is_checked_and_then_used(county, publication, login, make):
    client = login(county.office_admin)
    client.post(
        reverse("bulletins:templates"), {"name": "坏的", "file": SimpleUploadedFile("x.docx", b"not a zip")}
    )
    broken = Document(io.BytesIO(default_template()))
    broken.add_paragraph("{{ unclosed")
    buffer = io.BytesIO()
    broken.save(buffer)
    client.post(
        reverse("bulletins:templates"),
        {"name": "坏模板", "file": SimpleUploadedFile("y.docx", buffer.getvalue())},
    )
    assert not BulletinTemplate.objects.exists()
    ours = Document(io.BytesIO(default_template()))
    ours.add_paragraph("本通报由{{ jurisdiction }}创建办印发")
    buffer = io.BytesIO()
    ours.save(buffer)
    client.post(
        reverse("bulletins:templates"),
        {"name": "办公室模板", "file": SimpleUploadedFile("z.docx", buffer.getvalue())},
    )
    assert BulletinTemplate.objects.get().is_active
    document = Document(io.BytesIO(make(client, publication, "docx")[0]))
    assert any(p.text == "本通报由示范县创建办印发" for p in document.paragraphs)


def test_when_every_unit_ties_the_bulletin_says_so_and_names_no_list(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    context = bulletin_context(actions.publish(county.office_admin, scheme))
    assert [r["rank"] for r in context["rows"]] == [1, 1]
    assert context["red_text"] == context["black_text"] == "本期2个单位得分相同，名次并列，不列红榜、黑榜。"
    assert context["red_list"] == context["black_list"] == []
