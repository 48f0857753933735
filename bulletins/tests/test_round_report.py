"""The round report (督查通报) in Word and Excel, made in the background and read back with python-docx/openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from bulletins.actions import upload_bulletin_template
from bulletins.models import BulletinTemplate, TemplateKind
from bulletins.round_report import default_round_template
from core.tests.sheets import assert_forwardable, assert_prints_whole, needs_office
from framework.queries import checklist_for
from inspections.actions import Answer, submit_visit
from inspections.tests.conftest import photo
from jobs.models import GeneratedFile

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=30)  # every case is past its deadline by then


@pytest.fixture
def round_(county, open_round, market_a, market_b):
    """城关农贸市场 fails 地面干净 (with a photo); 柳河农贸市场 fails 地面干净 and 无乱堆乱放."""
    with time_machine.travel(NOW):
        round_ = open_round()
        for visit, verdicts in (
            (round_.visits.get(site=market_a), ["fail", "pass", "pass"]),
            (round_.visits.get(site=market_b), ["fail", "pass", "fail"]),
        ):
            items = list(checklist_for(visit.site.site_type, visit.round.edition))
            answers = [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)]
            if visit.site == market_a:
                answers[0].note, answers[0].photos = "地面有积水", [photo()]
            submit_visit(county.inspector, visit, answers)
    return round_


@pytest.fixture
def make(django_capture_on_commit_callbacks):
    def _make(client, round_, fmt) -> bytes:
        with time_machine.travel(LATER, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("bulletins:round_report", args=[round_.pk]), {"format": fmt})
            assert response.status_code == 302
            job = GeneratedFile.objects.latest("pk")
            assert job.status == GeneratedFile.Status.DONE, job.error
            return b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)

    return _make


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_word_report_holds_scope_ranking_problems_photos_and_overdue(county, login, round_, make):
    document = Document(io.BytesIO(make(login(county.office_admin), round_, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "示范县六月督查督查情况通报" in text
    assert "对2个点位进行了检查，已检查2个，总体得分率42.9%" in text and "发现问题3个" in text
    scope, ranking, overdue, footer_block = document.tables
    assert footer_block.rows[0].cells[0].text.startswith("抄送：")
    assert _rows(scope)[1:] == [["农贸市场(专业市场)", "2"]]
    assert _rows(ranking)[1:] == [
        ["1", "城关街道", "1", "71.4%", "66.7%", "1"],
        ["2", "柳河镇", "1", "14.3%", "33.3%", "2"],
    ]
    assert "（1）城关街道：1个问题" in text and "（2）柳河镇：2个问题" in text
    assert "1. 地面干净：地面有积水" in text and "2. 无乱堆乱放" in text
    assert len(document.inline_shapes) == 1  # the one photo taken
    # No empty paragraph stands where a problem has no photo.
    after_second = text.split("2. 无乱堆乱放")[1].split("\n")
    assert after_second[1] != ""
    assert len(_rows(overdue)) == 4 and {r[1] for r in _rows(overdue)[1:]} == {"城关街道", "柳河镇"}
    assert all(int(r[6]) >= 20 for r in _rows(overdue)[1:])


@needs_office
def test_the_excel_report_prints_without_hashes(county, login, round_, make):
    assert_prints_whole(make(login(county.office_admin), round_, "xlsx"), "轮次", "未整改完成")


def test_the_excel_report_holds_the_same_numbers(county, login, round_, make):
    workbook = load_workbook(io.BytesIO(make(login(county.office_admin), round_, "xlsx")))
    assert workbook.sheetnames == ["概况", "检查范围", "街道排名", "问题清单", "超期未整改"]
    for name in workbook.sheetnames:
        assert_forwardable(workbook[name], autofilter=name != "概况")
    titles, values = list(workbook["概况"].iter_rows(min_row=2, values_only=True))
    summary: dict[Any, Any] = dict(zip(titles, values, strict=True))
    assert summary["点位数"] == 2 and round(summary["得分率"], 3) == 0.429 and summary["问题数"] == 3
    assert isinstance(summary["开始日期"], dt.datetime)
    rows: list[Any] = list(workbook["街道排名"].iter_rows(min_row=3, values_only=True))
    ranking = [(*r[:3], round(r[3], 4), round(r[4], 3), r[5]) for r in rows]
    assert ranking == [(1, "城关街道", 1, 0.7143, 0.667, 1), (2, "柳河镇", 1, 0.1429, 0.333, 2)]
    assert workbook["街道排名"]["D3"].number_format == "0.0%"
    problems = workbook["问题清单"]
    lines = [(r[0], r[1], r[4], r[5], r[9]) for r in problems.iter_rows(min_row=3, values_only=True)]
    assert lines == [
        ("城关街道", "城关农贸市场", "地面干净", "地面有积水", "是"),
        ("柳河镇", "柳河农贸市场", "地面干净", None, "是"),
        ("柳河镇", "柳河农贸市场", "无乱堆乱放", None, "是"),
    ]
    # openpyxl lists a sheet's images only in a private attribute, which its stubs leave out.
    assert len(problems._images) == 1  # type: ignore[attr-defined]
    assert workbook["超期未整改"].max_row == 5
    assert isinstance(workbook["超期未整改"]["F3"].value, dt.datetime)


def test_an_uploaded_round_template_is_used_and_the_bulletin_template_kept(county, login, round_, make):
    bulletin = BulletinTemplate.objects.create(
        name="考核通报", file=SimpleUploadedFile("b.docx", b"x"), uploaded_by=county.office_admin
    )
    document = Document(io.BytesIO(default_round_template()))
    document.add_paragraph("本通报抄送县委办。")
    data = io.BytesIO()
    document.save(data)
    upload = SimpleUploadedFile("round.docx", data.getvalue())
    upload_bulletin_template(county.office_admin, "督查通报模板", upload, kind=TemplateKind.ROUND)
    bulletin.refresh_from_db()
    assert bulletin.is_active
    report = Document(io.BytesIO(make(login(county.office_admin), round_, "docx")))
    assert "本通报抄送县委办。" in [p.text for p in report.paragraphs]


def test_a_unit_cannot_ask_for_the_report(county, login, round_):
    response = login(county.handler_a).post(
        reverse("bulletins:round_report", args=[round_.pk]), {"format": "docx"}
    )
    assert response.status_code == 403 and not GeneratedFile.objects.exists()


def test_an_inspectors_note_is_text_in_the_word_report_never_markup(
    county, login, open_round, market_a, make
):
    """Finding 9 of the security probe: a note could inject runs, and ‹ or & vanished."""
    payload = '‹a› & <b> "q" </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>INJECTED'
    with time_machine.travel(NOW):
        round_ = open_round()
        visit = round_.visits.get(site=market_a)
        items = list(checklist_for(visit.site.site_type, visit.round.edition))
        answers = [Answer(item=i, verdict=v) for i, v in zip(items, ["fail", "pass", "pass"], strict=True)]
        answers[0].note = payload
        submit_visit(county.inspector, visit, answers)
    document = Document(io.BytesIO(make(login(county.office_admin), round_, "docx")))
    lines = [p for p in document.paragraphs if "地面干净" in p.text]
    assert payload in lines[0].text
    assert not any(r.bold for r in lines[0].runs), "no run of the note's making"


def test_the_round_report_pdf_holds_the_word_text(county, login, round_, make, tmp_path):
    client = login(county.office_admin)
    word = Document(io.BytesIO(make(client, round_, "docx")))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(make(client, round_, "pdf"))
    text = "".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    blocks = [p.text for p in word.paragraphs] + [
        c.text for t in word.tables for r in t.rows for c in r.cells
    ]
    assert [b for b in blocks if "".join(b.split()) not in text] == []
    assert "71.4%" in text and "示创办督〔2026〕　号" in "".join(p.text for p in word.paragraphs)


def test_the_round_reports_are_named_by_county_round_kind_and_draft(county, login, round_, make):
    client = login(county.office_admin)
    for fmt in ("docx", "pdf", "xlsx"):
        make(client, round_, fmt)
        job = GeneratedFile.objects.latest("pk")
        assert job.filename == f"示范县六月督查督查情况通报（草稿）.{fmt}"
        with time_machine.travel(LATER, tick=False):  # the session was made then
            download = client.get(reverse("jobs:download", args=[job.pk]))
        assert quote(job.filename) in download["Content-Disposition"]
