"""The unit's side: uploads checked by content and size, limits, drafts, submission, and versions after a return."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from materials import actions
from materials.files import count_words
from materials.models import MaterialFile, RequestState, Submission
from materials.tests.conftest import PDF, jpeg, pdf, photo, upload, xlsx


def test_a_pdf_and_a_photo_make_a_draft_that_can_be_submitted(county, ads_a):
    report = actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    assert [f.name for f in report.added] == ["方案.pdf"] and report.refused == []
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    ads_a.refresh_from_db()
    assert ads_a.state == RequestState.DRAFT
    draft = Submission.objects.get(request=ads_a)
    assert draft.version == 1 and draft.is_draft()
    photo_file = draft.files.get(material_type="photo")
    assert photo_file.thumbnail and photo_file.content_type == "image/jpeg"
    assert not photo_file.file.name.endswith("现场.jpg")  # stored under our own name
    actions.submit(county.handler_a, ads_a)
    ads_a.refresh_from_db()
    assert ads_a.state == RequestState.SUBMITTED and ads_a.first_submitted_at is not None


def test_a_file_whose_content_does_not_match_its_name_is_refused_and_nothing_is_lost(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    report = actions.add_files(
        county.handler_a,
        ads_a,
        "regulation",
        [
            upload("统计表.pdf", xlsx()),
            upload("页面.pdf", b"<html><script>alert(1)</script></html>"),
            pdf("二.pdf"),
        ],
    )
    assert [f.name for f in report.added] == ["二.pdf"]
    assert report.refused[0] == (
        "“统计表.pdf” does not match its content: the name says .pdf but the file is Excel (.xlsx). "
        "Upload the right file or correct its name."
    )
    assert "“页面.pdf” is not a PDF, Word, Excel or image file" in report.refused[1]
    assert sorted(MaterialFile.objects.values_list("name", flat=True)) == ["二.pdf", "方案.pdf"]


def test_a_photo_that_is_a_pdf_is_refused(county, ads_a):
    report = actions.add_files(county.handler_a, ads_a, "photo", [upload("现场.jpg", PDF)])
    assert report.added == [] and "is not a JPEG, PNG or WebP photo" in report.refused[0]


def test_an_oversized_file_is_refused_with_the_limit(county, ads_a, settings):
    settings.MATERIAL_MAX_BYTES = 1024 * 1024
    actions.add_files(county.handler_a, ads_a, "photo", [photo("一.jpg")])
    big = upload("大文件.pdf", PDF + b"0" * (1024 * 1024))
    report = actions.add_files(county.handler_a, ads_a, "regulation", [big])
    assert report.refused == [
        "“大文件.pdf” is larger than 1 MB; make it smaller (e.g. compress the PDF or the photos)."
    ]
    assert list(MaterialFile.objects.values_list("name", flat=True)) == ["一.jpg"]


def test_the_13th_photo_over_a_limit_of_12_is_refused_and_the_12_are_kept(county, ads_a):
    report = actions.add_files(county.handler_a, ads_a, "photo", [photo(f"{n}.jpg") for n in range(1, 13)])
    assert len(report.added) == 12
    report = actions.add_files(county.handler_a, ads_a, "photo", [photo("13.jpg")])
    assert report.added == []
    assert report.refused == [
        "“13.jpg” is refused: at most 12 photos are asked for and 12 are already uploaded."
    ]
    assert MaterialFile.objects.filter(material_type="photo").count() == 12


def test_a_batch_that_would_pass_the_photo_limit_keeps_what_fits(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "photo", [photo(f"{n}.jpg") for n in range(1, 11)])
    report = actions.add_files(county.handler_a, ads_a, "photo", [photo(f"{n}.jpg") for n in range(11, 14)])
    assert [f.name for f in report.added] == ["11.jpg", "12.jpg"]
    assert len(report.refused) == 1 and "“13.jpg”" in report.refused[0]


def test_a_kind_of_material_not_asked_for_is_refused(county, ads_a):
    with pytest.raises(ValidationError):
        actions.add_files(county.handler_a, ads_a, "table", [upload("表.xlsx", xlsx())])


def test_counting_characters_as_word_does():
    assert count_words("创建文明城市，人人有责。") == 12
    assert count_words("We did 3 things in 2026") == 6
    assert count_words("开展 WeChat 宣传 12 次") == 7


def test_the_word_limit_keeps_the_draft_but_stops_submission(county, report_a):
    long_text = "文化活动" * 6  # 24 characters, the limit is 20
    actions.save_text(county.handler_a, report_a, long_text)
    actions.add_files(county.handler_a, report_a, "table", [upload("活动统计.xlsx", xlsx())])
    with pytest.raises(ValidationError) as refused:
        actions.submit(county.handler_a, report_a)
    assert refused.value.messages == ["The written report has 24 characters; at most 20 are allowed."]
    draft = Submission.objects.get(request=report_a)
    assert draft.text == long_text and draft.files.count() == 1
    actions.save_text(county.handler_a, report_a, "本季度开展文化活动十二场。")
    actions.submit(county.handler_a, report_a)
    report_a.refresh_from_db()
    assert report_a.state == RequestState.SUBMITTED


def test_missing_material_stops_submission_and_says_what(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    with pytest.raises(ValidationError) as refused:
        actions.submit(county.handler_a, ads_a)
    assert refused.value.messages == ["Missing: Regulation document (规范文件)."]


def test_resubmission_after_a_return_is_a_new_version_and_the_old_one_stays(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf("旧方案.pdf")])
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    actions.submit(county.handler_a, ads_a)
    actions.return_to_unit(county.inspector, ads_a, "方案缺少盖章页。")
    old = MaterialFile.objects.get(name="旧方案.pdf", submission__version=1)
    actions.remove_file(county.handler_a, old)  # removing from the returned version edits the new draft
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf("新方案.pdf")])
    actions.submit(county.handler_a, ads_a)
    first, second = Submission.objects.filter(request=ads_a).order_by("version")
    assert first.state == Submission.State.RETURNED
    assert sorted(first.files.values_list("name", flat=True)) == ["旧方案.pdf", "现场.jpg"]
    assert second.state == Submission.State.SUBMITTED
    assert sorted(second.files.values_list("name", flat=True)) == ["新方案.pdf", "现场.jpg"]
    # The carried photo is the same stored file, not a copy.
    assert first.files.get(name="现场.jpg").file.name == second.files.get(name="现场.jpg").file.name


def test_submitted_material_cannot_be_changed_by_the_unit(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    actions.submit(county.handler_a, ads_a)
    with pytest.raises(ValidationError):
        actions.add_files(county.handler_a, ads_a, "photo", [photo("再来.jpg")])
    assert MaterialFile.objects.count() == 2


@pytest.mark.parametrize("who", ["handler_b", "community_handler_a", "inspector", "leader"])
def test_only_the_units_own_people_submit(county, ads_a, who):
    with pytest.raises(PermissionDenied):
        actions.add_files(getattr(county, who), ads_a, "regulation", [pdf()])
    with pytest.raises(PermissionDenied):
        actions.save_text(getattr(county, who), ads_a, "x")
    assert not Submission.objects.exists()


def test_the_unit_head_may_submit_too(county, ads_a):
    actions.add_files(county.head_a, ads_a, "regulation", [pdf()])
    assert MaterialFile.objects.count() == 1


def test_images_are_checked_by_decoding(county, ads_a):
    broken = upload("坏.jpg", jpeg()[:200])
    report = actions.add_files(county.handler_a, ads_a, "photo", [broken])
    assert report.added == [] and "cannot be read as an image" in report.refused[0]
