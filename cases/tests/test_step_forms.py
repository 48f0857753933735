"""The case page writes each step's form as core/_form_fields.html does, in either language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from cases.views import STEPS
from core.forms import form_fields


def test_every_steps_form_is_written_as_the_include_writes_it(county, rubbish):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for step in STEPS.values():
                for _ in range(2):  # the second from the process's copy, where it is held
                    text = form_fields(step.form())
                    assert text == render_to_string("core/_form_fields.html", {"form": step.form()}), (
                        step.action
                    )
