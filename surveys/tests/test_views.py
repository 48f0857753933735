"""Survey screens: who sees what, the fieldwork form, the public link, and the files."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import uuid
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from core import officialdoc as od
from core.excel import active_sheet
from core.tests.sheets import OFFICE, assert_forwardable, assert_prints_whole
from jobs.models import GeneratedFile
from surveys import exports
from surveys.actions import submit_response
from surveys.exports import bank_path
from surveys.models import Channel, Question, Questionnaire, Response
from surveys.tests.conftest import submission


def _form(questionnaire, unit, **overrides) -> dict:
    q1, q2, _q3 = questionnaire.questions.order_by("order")
    data = {
        "client_id": str(uuid.uuid4()),
        "unit": unit.pk,
        "age": 40,
        "residence_months": 60,
        f"q{q1.pk}": "A",
        f"q{q2.pk}": "4",
        "channel": Channel.HOUSEHOLD,
    }
    data.update(overrides)
    return data


def survey_report(client, run_pk: int, fmt: str, capture) -> tuple[str, bytes]:
    """The draft asked for from the run's page: a job, then its file (the download's Content-Disposition, the bytes)."""
    with capture(execute=True):
        response = client.post(reverse("bulletins:survey_report", args=[run_pk]), {"format": fmt})
    job = GeneratedFile.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("jobs:job", args=[job.pk])
    assert job.status == GeneratedFile.Status.DONE, job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    return download["Content-Disposition"], b"".join(download.streaming_content)


def test_a_surveyor_submits_through_the_form(county, run, questionnaire, login):
    url = reverse("surveys:fill", args=[run.pk, questionnaire.pk])
    client = login(county.surveyor)
    assert client.get(url).status_code == 200
    response = client.post(url, _form(questionnaire, county.community_a), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 201 and response.json()["created"] is True
    assert Response.objects.get().surveyor == county.surveyor


def test_a_bad_form_says_which_question_and_saves_nothing(county, run, questionnaire, login):
    url = reverse("surveys:fill", args=[run.pk, questionnaire.pk])
    q1 = questionnaire.questions.get(order=1)
    data = _form(questionnaire, county.community_a, age="abc")
    del data[f"q{q1.pk}"]
    response = login(county.surveyor).post(url, data, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"age", f"q{q1.pk}"}
    assert not Response.objects.exists()


def test_a_unit_handler_cannot_fill_in_or_manage(county, run, questionnaire, login):
    client = login(county.handler_a)
    assert client.get(reverse("surveys:fill", args=[run.pk, questionnaire.pk])).status_code == 403
    assert client.post(reverse("surveys:run_status", args=[run.pk]), {"status": "closed"}).status_code == 403
    assert client.get(reverse("surveys:questionnaire_detail", args=[questionnaire.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == "open"


def test_a_town_sees_its_own_responses_only(county, run, questionnaire, login):
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.HOUSEHOLD, county.surveyor
    )
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_b), Channel.HOUSEHOLD, county.surveyor
    )
    page = login(county.handler_a).get(reverse("surveys:run_detail", args=[run.pk]))
    assert page.context["flags"]["total"] == 1
    assert (
        login(county.office_admin).get(reverse("surveys:run_detail", args=[run.pk])).context["flags"]["total"]
        == 2
    )


def test_a_surveyor_does_not_see_runs_they_are_not_on(county, run, login):
    run.surveyors.clear()
    assert login(county.surveyor).get(reverse("surveys:run_detail", args=[run.pk])).status_code == 404


def test_the_public_link_takes_one_response_per_device(county, run, questionnaire, client):
    url = reverse("survey_public", args=[run.public_token])
    assert client.get(url).status_code == 200
    data = _form(questionnaire, county.community_a, v=questionnaire.pk)
    reply = client.post(url, data)
    assert reply.status_code == 302 and reply.url == reverse("survey_thanks")  # a refresh cannot post twice
    assert Response.objects.get().channel == Channel.ONLINE
    page = client.post(url, {**data, "client_id": str(uuid.uuid4())})
    assert page.context["already"] is True
    assert Response.objects.count() == 1


def test_the_honeypot_swallows_bots(county, run, questionnaire, client):
    url = reverse("survey_public", args=[run.public_token])
    client.get(url)
    client.post(url, _form(questionnaire, county.community_a, v=questionnaire.pk, website="http://spam"))
    assert not Response.objects.exists()


def test_the_public_link_is_rate_limited_per_address(county, run, questionnaire, client):
    url = reverse("survey_public", args=[run.public_token])
    for _ in range(30):
        client.cookies.clear()
        client.post(url, _form(questionnaire, county.community_a, v=questionnaire.pk))
    client.cookies.clear()
    page = client.post(url, _form(questionnaire, county.community_a, v=questionnaire.pk))
    assert "Too many submissions" in page.content.decode()
    assert Response.objects.count() == 30


def test_the_public_links_limit_is_a_setting(county, run, questionnaire, client, settings):
    settings.SURVEY_RESPONSES_PER_IP = "2/h"
    url = reverse("survey_public", args=[run.public_token])
    for _ in range(3):
        client.cookies.clear()
        page = client.post(url, _form(questionnaire, county.community_a, v=questionnaire.pk))
    assert "Too many submissions" in page.content.decode()
    assert Response.objects.count() == 2


def test_a_closed_public_link_is_not_found(county, run, client):
    run.public_link = False
    run.save()
    assert client.get(reverse("survey_public", args=[run.public_token])).status_code == 404


def test_the_excel_and_word_reports_hold_the_numbers(
    county, run, questionnaire, login, tmp_path, django_capture_on_commit_callbacks
):
    for support, rating in [("A", 5), ("A", 2), ("B", 4), ("A", 4)]:
        submit_response(
            run,
            questionnaire,
            submission(questionnaire, county.community_a, support=support, rating=rating),
            Channel.HOUSEHOLD,
            county.surveyor,
        )
    client = login(county.office_admin)
    workbook = load_workbook(io.BytesIO(client.get(reverse("surveys:run_export", args=[run.pk])).content))
    for name in ("率", "答卷"):
        assert_forwardable(workbook[name])
    rates = {row[1]: row for row in workbook["率"].iter_rows(min_row=3, values_only=True)}
    support_row = rates["您是否支持参评全国文明城市？"]
    assert support_row[3:6] == (4, 3, 0.75) and support_row[8] == 0.8 and support_row[9] == "接近"
    assert workbook["率"]["F3"].number_format == "0.0%"
    assert workbook["答卷"].max_row == 6
    if OFFICE:
        assert_prints_whole(client.get(reverse("surveys:run_export", args=[run.pk])).content, "版本", "结果")
    assert isinstance(workbook["答卷"]["M3"].value, dt.datetime)
    disposition, word = survey_report(client, run.pk, "docx", django_capture_on_commit_callbacks)
    assert quote("示范县第四季度测评问卷调查情况报告（草稿）.docx") in disposition
    document = Document(io.BytesIO(word))
    assert any("共收回问卷4份，有效问卷4份" in p.text for p in document.paragraphs)
    assert (
        getattr(document.paragraphs[0].style, "name", "") == od.OFFICE.name
        and round(getattr(document.sections[0].top_margin, "mm", 0)) == 37
    )
    table = document.tables[0]
    assert [cell.text for cell in table.rows[1].cells] == [
        "您是否支持参评全国文明城市？",
        "4",
        "75.0%",
        "80%",
        "接近目标",
    ]
    assert table.rows[0]._tr.get_or_add_trPr().find(qn("w:tblHeader")) is not None
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(survey_report(client, run.pk, "pdf", django_capture_on_commit_callbacks)[1])
    text = "".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    blocks = [p.text for p in document.paragraphs] + [c.text for r in table.rows for c in r.cells]
    assert [b for b in blocks if "".join(b.split()) not in text] == []


def test_a_questionnaire_round_trips_through_excel(county, questionnaire, login):
    client = login(county.office_admin)
    content = client.get(reverse("surveys:questionnaire_export", args=[questionnaire.pk])).content
    sheet = load_workbook(io.BytesIO(content))["题目"]
    titles = assert_forwardable(sheet)
    kinds = {row[titles.index("题型")] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert kinds <= {"单选", "多选", "评分", "简答"} and kinds, kinds  # the words the form shows, no codes
    copy = Questionnaire.objects.create(name="副本", group_code="B")
    response = client.post(
        reverse("surveys:questionnaire_import", args=[copy.pk]),
        {"file": SimpleUploadedFile("q.xlsx", content)},
    )
    assert response.status_code == 302
    fields = [
        "order",
        "kind",
        "text",
        "options",
        "favourable_options",
        "favourable_min",
        "rate_kind",
        "target_rate",
        "criterion_code",
        "required",
        "scale_max",
    ]
    assert list(copy.questions.values_list(*fields)) == list(questionnaire.questions.values_list(*fields))


def test_a_bad_questionnaire_file_imports_nothing(county, questionnaire, login):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.title = "题目"
    sheet.append(["序号", "题型", "题目", "选项", "满意/肯定选项"])
    sheet.append([1, "single", "好题", "是\n否", "A"])
    sheet.append([2, "single", "坏题", "只有一个选项", "Z"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    copy = Questionnaire.objects.create(name="副本")
    client = login(county.office_admin)
    response = client.post(
        reverse("surveys:questionnaire_import", args=[copy.pk]),
        {"file": SimpleUploadedFile("q.xlsx", buffer.getvalue())},
        follow=True,
    )
    errors = [str(m) for m in response.context["messages"]]
    assert any("row 3" in e for e in errors), errors
    assert not copy.questions.exists()


@pytest.mark.skipif(not bank_path().exists(), reason="the shared 2016 edition is not beside the project")
def test_the_2016_question_bank_is_available(county, login):
    target = Questionnaire.objects.create(name="题库")
    login(county.office_admin).post(
        reverse("surveys:questionnaire_import", args=[target.pk]), {"source": "bank", "framework": "city"}
    )
    texts = list(target.questions.values_list("text", flat=True))
    assert len(texts) >= 21
    assert any("支持率" in t for t in texts)
    assert Question.objects.filter(questionnaire=target, criterion_code="Ⅲ-84").count() == 2


def test_an_answer_that_looks_like_a_formula_or_holds_control_characters_exports_as_text(
    county, run, questionnaire, login
):
    # Entered as the form would take it; the export must neither run it nor fail on the control characters.
    sent = submission(questionnaire, county.community_a)
    suggestion = questionnaire.questions.get(order=3)
    sent.answers[suggestion.pk] = '=HYPERLINK("http://x","点我")\x01\x0c'
    submit_response(run, questionnaire, sent, Channel.HOUSEHOLD, county.surveyor)
    response = login(county.office_admin).get(reverse("surveys:run_export", args=[run.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["答卷"]
    cells = [cell for cell in sheet[3] if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","点我")'] and cells[0].data_type == "s"


def test_one_per_device_holds_when_the_cookie_is_dropped(county, run, questionnaire, client, login):
    """Finding 19 of the probe: dropping the cookie made a second vote. A second response from the same address
    and browser is kept but screened out of the rates, and the office sees how many."""
    url = reverse("survey_public", args=[run.public_token])
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) MicroMessenger/8.0", "HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    data = _form(questionnaire, county.community_a, v=questionnaire.pk)
    client.post(url, data, **browser)
    client.cookies.clear()  # the probe's trick
    client.post(url, {**data, "client_id": str(uuid.uuid4())}, **browser)
    client.cookies.clear()
    neighbour = {
        **browser,
        "HTTP_USER_AGENT": "Mozilla/5.0 (Android 14) Chrome/131",
    }  # same Wi-Fi, other phone
    client.post(url, {**data, "client_id": str(uuid.uuid4())}, **neighbour)
    first, repeat, other = Response.objects.order_by("pk")
    assert (first.repeat_origin, repeat.repeat_origin, other.repeat_origin) == (False, True, False)
    assert first.is_valid_for_rates() and not repeat.is_valid_for_rates() and other.is_valid_for_rates()
    page = login(county.office_admin).get(reverse("surveys:run_detail", args=[run.pk]))
    assert page.context["flags"]["repeats"] == 1 and page.context["flags"]["valid"] == 2
    assert 'data-testid="repeats"' in page.content.decode()


def test_a_large_run_is_exported_in_the_background_as_its_requester_sees_it(
    county, run, questionnaire, login, monkeypatch, django_capture_on_commit_callbacks
):
    for rating in (5, 4, 3):
        submit_response(
            run,
            questionnaire,
            submission(questionnaire, county.community_a, rating=rating),
            Channel.HOUSEHOLD,
            county.surveyor,
        )
    monkeypatch.setattr(exports, "DIRECT_EXPORT_RESPONSES", 2)
    client = login(county.office_admin)
    url = reverse("surveys:run_export", args=[run.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="export-start"' in page.content  # asks first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = GeneratedFile.objects.latest("pk")
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.DONE, job.error
    assert job.filename == f"{run.name}（问卷调查答卷与比率）.xlsx"
    workbook = load_workbook(job.file.open("rb"))
    assert workbook["答卷"].max_row == 2 + 3  # the title, the header and every response
    # Another person's job is theirs alone.
    assert login(county.surveyor).get(reverse("jobs:job", args=[job.pk])).status_code == 404


def test_a_small_run_downloads_at_once_under_a_chinese_name(county, run, questionnaire, login):
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.HOUSEHOLD, county.surveyor
    )
    response = login(county.office_admin).get(reverse("surveys:run_export", args=[run.pk]))
    assert response.status_code == 200
    assert quote(f"{run.name}（问卷调查答卷与比率）.xlsx") in response["Content-Disposition"]
