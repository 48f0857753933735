"""Presentation of cases: one badge colour per state, and the rows of the case lists.

The rows of the queue page (a table for screens, cards for phones) are written here with `format_html` rather
than in the template language: the page shows 50 cases twice, and the template engine spent 25 ms on them, more
than everything else on the page but the form. Escaping is format_html's, as in a template, through `core.markup`
(the same text without Django's per-call check for lazy arguments, which cost more than the escaping).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.access import shows_actor
from cases.models import Case, CaseEvent, State
from core.markup import html_format, html_lines

register = template.Library()

BADGES: dict[str, str] = {
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


LABELS = dict(State.choices)


@register.filter
def state_label(case: Case) -> str:
    """The state's name, as `get_state_display` gives it, at a fraction of the cost: Django's display method
    hashes every choice label on each call, which a list of 50 cases paid 100 times per page."""
    return str(LABELS.get(case.state, case.state))


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


NOTHING = SafeString("")


def _when(value: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """Month, day and time in `zone` (a list passes its own, found once), or the current time zone."""
    return value.astimezone(zone or timezone.get_current_timezone()).strftime("%m-%d %H:%M")


def _detail_urls(cases: Iterable[Case]) -> dict[int, str]:
    """One reverse for the page instead of one per row and layout."""
    pattern = reverse("cases:detail", args=[0]).rsplit("0", 1)
    return {case.pk: f"{pattern[0]}{case.pk}{pattern[1]}" for case in cases}


def _state(case: Case) -> SafeString:
    badge = _state_badges(get_language()).get(case.state)
    if badge is None:
        return html_format('<span class="badge {}">{}</span>', state_badge(case), state_label(case))
    return badge


@lru_cache(maxsize=16)
def _state_badges(language: str | None) -> dict[str, SafeString]:
    """Each state's badge in `language` (the active one), written once per process rather than twice per row."""
    return {
        state: html_format('<span class="badge {}">{}</span>', BADGES.get(state, "text-bg-light"), label)
        for state, label in State.choices
    }


def _rework(case: Case, title: bool = True) -> SafeString:
    if not case.rework_count:
        return NOTHING
    label = _("Rework")
    if title:
        return html_format(
            ' <span class="badge text-bg-warning" title="{}">{} {}</span>',
            _("Reworks"),
            label,
            case.rework_count,
        )
    return html_format('<span class="badge text-bg-warning">{} {}</span>', label, case.rework_count)


def _pressure(case: Case) -> SafeString:
    """领导督办 and the times the office chased the case (催办), beside the state."""
    if not case.urge_count and not case.is_supervised():
        return NOTHING  # most cases
    supervised = (
        html_format(' <span class="badge text-bg-danger">{}</span>', _("Leader supervision"))
        if case.is_supervised()
        else ""
    )
    urged = (
        html_format(
            ' <span class="badge text-bg-warning" data-urged="{}">{} {}</span>',
            case.urge_count,
            _("Chased"),
            case.urge_count,
        )
        if case.urge_count
        else ""
    )
    return html_format("{}{}", supervised, urged)


def _table_row(case: Case, url: str, selectable: bool, now: dt.datetime) -> SafeString:
    overdue = case.is_overdue(now)
    select = (
        html_format(
            # The case's number in the next cell is the box's label one can see.
            '<td><input type="checkbox" class="form-check-input" name="cases" value="{}" '
            'aria-labelledby="case-{}-number"><input type="hidden" name="version-{}" value="{}"></td>',
            case.pk,
            case.pk,
            case.pk,
            case.version,
        )
        if selectable
        else NOTHING
    )
    relapse = (
        html_format(' <span class="badge text-bg-danger">{}</span>', _("Relapse"))
        if case.is_relapse()
        else NOTHING
    )
    address = html_format(' <span class="text-muted">· {}</span>', case.address) if case.address else NOTHING
    deadline: str
    if case.deadline:
        late = html_format(' <span class="badge text-bg-danger">{}</span>', _("Overdue")) if overdue else ""
        deadline = html_format("{}{}", _when(case.deadline, now.tzinfo), late)
    else:
        deadline = "—"
    return html_format(
        '<tr class="{}">{}<td class="font-monospace small text-nowrap"><a href="{}" id="case-{}-number">{}</a></td>'
        '<td class="text-nowrap">{}{}{}</td><td class="small">{}</td>'
        '<td class="small text-truncate" style="max-width: 28rem;">{}{}</td><td class="small">{}</td>'
        '<td class="small text-nowrap">{}</td><td class="small text-nowrap">{}</td></tr>',
        "table-danger" if overdue else "",
        select,
        url,
        case.pk,
        case.number,
        _state(case),
        _rework(case) + _pressure(case),
        relapse,
        case.category_name or "—",
        case.description,
        address,
        case.unit.name if case.unit else "—",
        _when(case.reported_at, now.tzinfo),
        deadline,
    )


def _card(case: Case, url: str, now: dt.datetime) -> SafeString:
    overdue = case.is_overdue(now)
    deadline = ""
    if case.deadline:
        late = html_format(' · <strong class="text-danger">{}</strong>', _("Overdue")) if overdue else ""
        deadline = html_format("<span>{} {}{}</span>", _("Deadline"), _when(case.deadline, now.tzinfo), late)
    return html_format(
        '<a class="list-group-item list-group-item-action{}" href="{}">'
        '<div class="d-flex justify-content-between align-items-center gap-2">'
        '<span class="fw-semibold">{}</span>{}</div>'
        '<div class="small text-truncate">{}</div>'
        '<div class="small text-muted d-flex justify-content-between"><span class="font-monospace">{}</span>{}</div>'
        "{}</a>",
        " list-group-item-danger" if overdue else "",
        url,
        case.category_name or _("Uncategorised"),
        _state(case),
        case.description,
        case.number,
        deadline,
        _rework(case, title=False) + _pressure(case),
    )


@register.simple_tag
def case_table_rows(cases: Iterable[Case], selectable: bool = False) -> SafeString:
    """The table rows of a case list (newest markup for screens from md up)."""
    cases = list(cases)
    urls, now = _detail_urls(cases), timezone.localtime()  # now, and the zone each time is shown in
    return html_lines([_table_row(c, urls[c.pk], selectable, now) for c in cases])


@register.simple_tag
def case_cards(cases: Iterable[Case]) -> SafeString:
    """The same cases as cards, for phones."""
    cases = list(cases)
    urls, now = _detail_urls(cases), timezone.localtime()
    return html_lines([_card(c, urls[c.pk], now) for c in cases])


@register.simple_tag
def actor_of(event: CaseEvent, case: Case, person) -> str:
    """Who took the step, as `person` may read it (cases.access.shows_actor): the office, unnamed, on a case from
    an unpublished 暗访."""
    if event.actor is None:
        return ""
    return str(event.actor) if shows_actor(person, case, event) else _("Campaign office")
