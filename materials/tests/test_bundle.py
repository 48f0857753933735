"""The national bundle: accepted materials in a ZIP by 测评项目/指标/内容/标准/单位, with an Excel index."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from openpyxl import load_workbook

from core import officialdoc as od
from core.tests.sheets import assert_forwardable
from jobs.models import GeneratedFile
from materials import actions
from materials.bundle import INDEX_COLUMNS, safe, safe_filename
from materials.tests.conftest import PDF, pdf, photo, upload, xlsx


@pytest.fixture
def accepted(county, ads_a, report_a, issued):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf("实施方案.pdf")])
    actions.add_files(county.handler_a, ads_a, "photo", [photo("现场.jpg"), photo("现场.jpg", "blue")])
    actions.submit(county.handler_a, ads_a)
    actions.accept(county.inspector, ads_a, points="9")
    actions.save_text(county.handler_a, report_a, "本季度开展文化活动十二场。")
    actions.add_files(county.handler_a, report_a, "table", [upload("活动统计.xlsx", xlsx())])
    actions.submit(county.handler_a, report_a)
    actions.accept(county.inspector, report_a, grade="tier1")
    return issued


def test_the_zip_is_organised_by_the_framework_tree_with_an_index(
    county, period, accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.request_bundle(county.office_admin, period)
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.DONE and job.progress == 100
    assert job.filename == f"{period} 网上申报材料.zip"
    archive = zipfile.ZipFile(io.BytesIO(job.file.read()))
    root = f"{period} 网上申报材料"
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            f"{root}/01 Ⅰ-1 公共环境/01 Ⅱ-1 市容市貌/01 Ⅲ-1 公益广告/01 1 公益广告占比不低于 20%。/城关街道/规范文件_实施方案.pdf",
            f"{root}/01 Ⅰ-1 公共环境/01 Ⅱ-1 市容市貌/01 Ⅲ-1 公益广告/01 1 公益广告占比不低于 20%。/城关街道/实景图片_现场.jpg",
            f"{root}/01 Ⅰ-1 公共环境/01 Ⅱ-1 市容市貌/01 Ⅲ-1 公益广告/01 1 公益广告占比不低于 20%。/城关街道/实景图片_现场_2.jpg",
            f"{root}/02 Ⅰ-2 公共服务/01 Ⅱ-3 公共文化/01 Ⅲ-5 文化活动/01 2 文化活动常态开展。/城关街道/说明报告.docx",
            f"{root}/02 Ⅰ-2 公共服务/01 Ⅱ-3 公共文化/01 Ⅲ-5 文化活动/01 2 文化活动常态开展。/城关街道/统计表格_活动统计.xlsx",
            f"{root}/索引.xlsx",
        ]
    )
    report = Document(io.BytesIO(archive.read(next(n for n in names if n.endswith(".docx")))))
    section = report.sections[0]
    assert (
        round(getattr(section.top_margin, "mm", 0)) == 37
        and round(getattr(section.page_width, "mm", 0)) == 210
    )
    assert [(getattr(p.style, "name", ""), p.text) for p in report.paragraphs] == [
        (od.TITLE.name, "2 文化活动常态开展。"),
        (od.BODY.name, "本季度开展文化活动十二场。"),
        (od.SIGNATURE.name, "城关街道"),
    ]
    pdf_name = next(n for n in names if n.endswith(".pdf"))
    assert archive.read(pdf_name) == PDF
    index = load_workbook(io.BytesIO(archive.read(f"{root}/索引.xlsx")))
    rows = list(index["材料索引"].iter_rows(min_row=2, values_only=True))
    assert list(rows[0]) == INDEX_COLUMNS
    assert_forwardable(index["材料索引"]) and assert_forwardable(index["未通过或未报送"])
    assert len(rows) == 6
    first = dict(zip(INDEX_COLUMNS, rows[1], strict=True))
    assert first["测评项目"] == "Ⅰ-1 公共环境" and first["测评内容"] == "Ⅲ-1 公益广告"
    assert first["责任单位"] == "城关街道" and first["得分"] == 9 and first["满分"] == 10
    assert first["包内路径"] in names
    assert {r[8] for r in rows[1:]} == {n for n in names if not n.endswith("索引.xlsx")}
    missing = list(index["未通过或未报送"].iter_rows(min_row=2, values_only=True))
    # The department and the other town were asked for criterion 1 and sent nothing.
    assert sorted(str(r[4]) for r in missing[1:]) == ["县城管局", "柳河镇"]


def test_a_project_bundle_holds_only_that_project(
    county, period, accepted, ads, django_capture_on_commit_callbacks
):
    project = ads.node.path()[0]
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.request_bundle(county.office_admin, period, project)
    job.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(job.file.read()))
    assert all("公共服务" not in name for name in archive.namelist())
    assert len(archive.namelist()) == 4


def test_nothing_accepted_means_no_bundle(county, period, issued):
    with pytest.raises(ValidationError):
        actions.request_bundle(county.office_admin, period)
    assert not GeneratedFile.objects.exists()


def test_a_unit_cannot_bundle(county, period, accepted):
    with pytest.raises(PermissionDenied):
        actions.request_bundle(county.handler_a, period)


def test_path_components_are_safe():
    assert safe('a/b\\c:d*e?"f<g>h|i') == "a_b_c_d_e_f_g_h_i"
    assert safe("..") == "_"
    assert len(safe("长" * 100)) == 40
    long = safe_filename("实景图片_" + "长" * 100 + ".jpeg")
    assert long.endswith(".jpeg") and len(long) == 80


def test_the_bundle_page_queues_a_job_and_shows_its_progress(county, login, period, accepted):
    client = login(county.office_admin)
    response = client.post("/materials/bundle/", {"period": period.pk}, follow=True)
    job = GeneratedFile.objects.get(kind="materials-bundle")
    assert response.redirect_chain[-1][0] == f"/jobs/{job.pk}/"
