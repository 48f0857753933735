from __future__ import annotations

from django import template

from materials.access import requests_for
from materials.models import MaterialRequest
from materials.queries import STATE_TONES, unit_requests
from org.access import is_active_person

register = template.Library()


@register.inclusion_tag("materials/_due.html", takes_context=True)
def material_requests_due(context) -> dict:
    """The unit's open material requests, for 我的任务 and the home page."""
    person = context["request"].user
    rows = []
    if is_active_person(person) and person.unit_id:
        rows = [r for r in unit_requests(person, person.unit_id, requests_for(person)) if r.is_open()]
    return {"rows": rows[:20], "more": max(len(rows) - 20, 0), "tones": STATE_TONES}


@register.filter
def state_tone(material: MaterialRequest) -> str:
    return STATE_TONES.get(material.state, "secondary")
