"""The demo is a development tool: its tests load it as `make run` does, with DEBUG on (the refusal with DEBUG off
has its own test)."""

import pytest


@pytest.fixture(autouse=True)
def _debug_on(settings) -> None:
    settings.DEBUG = True
