"""The UI is Chinese by default, English on request, and every string has its Chinese translation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_to_chinese():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """makemessages, run on a copy of the source tree, adds no untranslated string to the catalogue."""
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        base, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "static", "node_modules", "*.mo")
    )
    subprocess.run(
        [sys.executable, "-m", "chuangwen.cli", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "PYTHONPATH": str(copy)},
    )
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(copy / PO.relative_to(base))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "msgid" not in result.stdout.replace('msgid ""', ""), f"untranslated strings: {result.stdout}"


def test_the_ui_is_chinese_by_default(county, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(county.handler_a)
    page = client.get(reverse("org:unit_list")).content.decode()
    assert "单位" in page and "经办人" in page
    assert 'lang="zh-CN"' in page


def test_english_is_available(county, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(county.handler_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("org:unit_list")).content.decode()
    assert "Units" in page and "Unit handler" in page
