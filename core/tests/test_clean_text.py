"""Finding 3 of the probe: control characters (`\\x01`, `\\x0c`) from a citizen broke XML and Excel. They are removed
at every boundary that takes text; what XML allows (tab, newlines, every Chinese character) is kept."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from core.excel import cell_text
from core.middleware import CleanTextMiddleware
from core.text import clean_text


def test_xml_illegal_characters_are_removed_and_the_rest_kept():
    assert clean_text("市场\x00\x01\x08门口\x0b\x0c\x1f\ud800\ufffe\uffff垃圾") == "市场门口垃圾"
    kept = "第一行\n第二行\r\n\t缩进 ‹&› 😀 \x7f"
    assert clean_text(kept) == kept


def _seen_by_the_view(request) -> dict:
    seen: dict[str, dict[str, str]] = {}

    def view(req):
        seen.update(get=req.GET.dict(), post=req.POST.dict())
        return HttpResponse()

    CleanTextMiddleware(view)(request)
    return seen


def test_every_form_field_and_query_parameter_is_cleaned_before_a_view_reads_it():
    factory = RequestFactory()
    seen = _seen_by_the_view(factory.post("/x/?q=%01a", {"description": "垃\x01圾\x0c", "n": "1"}))
    assert seen == {"get": {"q": "a"}, "post": {"description": "垃圾", "n": "1"}}
    multipart = factory.post("/x/", {"note": "a\x0cb"})  # the test client posts multipart by default
    assert _seen_by_the_view(multipart)["post"] == {"note": "ab"}


def test_an_excel_import_cell_is_cleaned():
    assert cell_text("  城关\x01街道\x0c ") == "城关街道"
