"""Finding 1 of the probe: an uploaded template ran `os.popen('id')` on the server. The document environment is
Jinja's immutable sandbox with escaping, and refuses the operators that would spend a worker's memory or time."""

from __future__ import annotations

import time

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from core.sandbox import document_environment

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def _render(source: str, **context) -> str:
    return document_environment().from_string(source).render(context)


@pytest.mark.parametrize(
    "source",
    [
        PAYLOAD,
        "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
        "{{ namespace.__init__.__globals__.os.popen('id').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ title.__class__.__base__.__subclasses__() }}",
        "{{ range.__init__.__globals__ }}",
        "{{ self.__init__.__globals__ }}",
    ],
)
def test_the_probe_payload_reaches_no_python_internals(source):
    with pytest.raises((SecurityError, UndefinedError)):
        _render(source, title="通报")


def test_context_values_are_escaped_for_xml():
    assert (
        _render("{{ note }}", note='</w:t><w:t>注入 & "x"') == "&lt;/w:t&gt;&lt;w:t&gt;注入 &amp; &#34;x&#34;"
    )


def test_a_template_cannot_change_its_context():
    with pytest.raises(SecurityError):
        _render("{{ rows.append(1) }}", rows=[])


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 10**10 }}",
        "{{ 'x' * 1000000000 }}",
        "{{ 2**100000000 }}",
        "{{ 9**9**9**9**9 }}",
        "{% set x = namespace(n=2**5000) %}{% for i in range(40) %}{% set x.n = x.n * x.n %}{% endfor %}",
        "{{ [1] * 10**9 }}",
    ],
)
def test_a_template_cannot_take_a_workers_memory_or_time(source):
    started = time.monotonic()
    with pytest.raises(SecurityError):
        _render(source)
    assert time.monotonic() - started < 1


def test_ordinary_arithmetic_and_loops_still_work():
    assert (
        _render("{{ 2 ** 10 }} {{ '-' * 3 }} {{ 1.5 * 2 }}{% for i in range(3) %}{{ i }}{% endfor %}")
        == "1024 --- 3.0012"
    )


def test_lorem_ipsum_is_not_offered():
    with pytest.raises(UndefinedError):
        _render("{{ lipsum(n=100000) }}")
