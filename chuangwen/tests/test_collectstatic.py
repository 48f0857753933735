"""Production serves static files through WhiteNoise's manifest storage, which rewrites every url() and source map
reference and refuses a reference to a file that is not there. The vendored Tom Select named source maps that were
never vendored, so `collectstatic` (step one of every deploy) failed while every test, run with plain storage, passed.
This runs it as production does."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

MANIFEST_STORAGE = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_succeeds_with_the_production_manifest_storage(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGE):
        # Django's setting_changed handler gives staticfiles_storage the new settings, and the old ones back after.
        call_command("collectstatic", interactive=False, verbosity=0)
        assert staticfiles_storage.url("vendor/tom-select/tom-select.complete.min.js").startswith(
            f"{settings.STATIC_URL}vendor/tom-select/tom-select.complete.min."
        )
    assert (tmp_path / "staticfiles.json").exists()
