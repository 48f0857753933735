from django import template

from core import forms as core_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (keeps filters when paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def percent(value: float | str | None, digits: int = 1) -> str:
    """0.8671 → "86.7%"; empty for None or "" (a template's missing value)."""
    if value is None or value == "":
        return ""
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def form_fields(form):
    """`{% include "core/_form_fields.html" %}` for `form`, a blank one written once per process (core.forms)."""
    return core_forms.form_fields(form)
