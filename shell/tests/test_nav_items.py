"""The navbar's entries are written once per set of entries and language (shell_tags.nav_items): the same markup
as the template writes, escaped, and never another set's."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from shell.templatetags import shell_tags


def _items(label: str, active: bool) -> list[dict]:
    return [
        {"label": label, "url": "/cases/", "icon": "bi-list", "active": active},
        {
            "label": gettext_lazy("Inbox"),
            "icon": "bi-bell",
            "active": False,
            "children": [{"label": "<b>局</b> & 所", "url": "/a/?x=1&y=2", "icon": "bi-x", "active": True}],
        },
    ]


def test_it_writes_what_the_template_writes_once_per_entries_and_language():
    shell_tags._written.clear()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for label, active in [("案件", True), ("案件", False), ('"<script>', True)]:
                items = _items(label, active)
                expected = render_to_string("shell/_nav_items.html", {"nav_items": items})
                assert shell_tags.nav_items(items) == expected
                assert shell_tags.nav_items(_items(label, active)) == expected  # from the held copy
    assert len(shell_tags._written) == 6
    with translation.override("en"):
        markup = shell_tags.nav_items(_items('"<script>', True))
    assert "&lt;b&gt;局&lt;/b&gt; &amp; 所" in markup and "<script>" not in markup and "Inbox" in markup
