"""Presentation of case states: one badge colour per state, decided here rather than in templates."""

from __future__ import annotations

from django import template

from cases.models import Case, State

register = template.Library()

BADGES = {
    State.REPORTED: "text-bg-info",
    State.ACCEPTED: "text-bg-primary",
    State.DISPATCHED: "text-bg-warning",
    State.RETURNED: "text-bg-danger",
    State.RECTIFYING: "text-bg-warning",
    State.SUBMITTED: "text-bg-primary",
    State.DEFERRED: "text-bg-secondary",
    State.CLOSED: "text-bg-success",
    State.REJECTED: "text-bg-light border",
    State.DUPLICATE: "text-bg-light border",
}


@register.filter
def state_badge(case: Case) -> str:
    return BADGES.get(case.state, "text-bg-light")


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
