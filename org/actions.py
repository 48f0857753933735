"""Every write to the organisation goes through one of these functions.

Each checks the actor's permission on the server, validates the whole object and saves it. The change history
(who, when, before/after) is written by django-auditlog for every registered model; web requests attach the
actor through its middleware, commands and tasks through `auditlog.context.set_actor`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.passwords import temporary_password
from core.records import save_validated
from org import signin
from org.access import can_issue_token, can_manage_org, can_name_liaison, require, tokens_for
from org.models import ApiScope, ApiToken, ApiTokenEvent, Grid, Person, Unit
from org.queries import forget_grid_index


@transaction.atomic
def create_unit(actor: Person, **fields: Any) -> Unit:
    require(can_manage_org(actor))
    unit = Unit(**fields)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def update_unit(actor: Person, unit: Unit, **fields: Any) -> Unit:
    require(can_manage_org(actor))
    save_validated(unit, **fields)
    return unit


@transaction.atomic
def name_liaison(actor: Person, unit: Unit, name: str, phone: str) -> LogEntry | None:
    """The unit's liaison (联络员), who gets an SMS for every step of its cases: named by its head (or the office).
    Returns the audit row of the change, None when nothing changed."""
    require(can_name_liaison(actor, unit))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if (unit.liaison_name, unit.liaison_phone) == (name, phone):
        return None
    unit.liaison_name, unit.liaison_phone = name, phone
    unit.full_clean()
    with set_actor(actor):  # the audit row names who did it, from a request, a command or a test alike
        unit.save(update_fields=["liaison_name", "liaison_phone"])
    return LogEntry.objects.get_for_object(unit).order_by("-pk").first()


@transaction.atomic
def create_person(actor: Person, **fields: Any) -> tuple[Person, str]:
    """Create an account with a temporary password, to be changed at first login. Returns both."""
    require(can_manage_org(actor))
    person = Person(**fields)
    password = temporary_password()
    person.set_password(password)
    person.must_change_password = True
    person.full_clean()
    person.save()
    return person, password


@transaction.atomic
def update_person(actor: Person, person: Person, **fields: Any) -> Person:
    require(can_manage_org(actor))
    if person.pk == actor.pk and (
        fields.get("is_active") is False or fields.get("role", actor.role) != actor.role
    ):
        # An admin who demotes or disables themselves can lock the office out; another admin must do it.
        require(False)
    save_validated(person, **fields)
    return person


@transaction.atomic
def reset_password(actor: Person, person: Person) -> str:
    require(can_manage_org(actor))
    password = temporary_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def unlock_person(actor: Person, person: Person) -> int:
    """Lift the account's sign-in lockouts (and its captcha step), recorded in the audit log."""
    require(can_manage_org(actor))
    cleared = signin.clear_failures(person)
    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"sign-in lockout": ["locked", "unlocked"]},
    )
    return cleared


@transaction.atomic
def change_own_password(person: Person, new_password: str) -> None:
    validate_password(new_password, person)
    person.set_password(new_password)
    person.must_change_password = False
    person.save(update_fields=["password", "must_change_password"])


@transaction.atomic
def save_grid(actor: Person, grid: Grid | None, **fields: Any) -> Grid:
    require(can_manage_org(actor))
    grid = grid or Grid()
    save_validated(grid, **fields)
    forget_grid_index()
    transaction.on_commit(forget_grid_index)  # again, so no lookup in between keeps the old shape
    return grid


# --- API tokens -----------------------------------------------------------------------------------------

TOKEN_MAX_DAYS = 366


class ScopeRefused(Exception):
    """A usable token asked for something its scopes do not cover (403, recorded)."""


@transaction.atomic
def issue_token(
    actor: Person, person: Person, name: str, scopes: list[str], days: int, address: str | None = None
) -> tuple[ApiToken, str]:
    """A new token acting as `person`; the token itself is returned once and only its digest is kept."""
    require(can_issue_token(actor, person))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the client that will use the token."))
    chosen = sorted(set(scopes))
    if not chosen or not set(chosen) <= set(ApiScope.values):
        raise ValidationError(_("Choose at least one scope."))
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(_("A token lasts from 1 to %(days)s days.") % {"days": TOKEN_MAX_DAYS})
    raw = ApiToken.new_token()
    token = ApiToken.objects.create(
        person=person,
        name=name[:100],
        prefix=raw[:8],
        token_hash=ApiToken.digest(raw),
        scopes=chosen,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    ApiTokenEvent.objects.create(
        token=token, action=ApiTokenEvent.Action.ISSUED, actor=actor, address=address, data={"scopes": chosen}
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Person, token: ApiToken, address: str | None = None) -> ApiToken:
    require(tokens_for(actor).filter(pk=token.pk).exists())
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.is_revoked():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        ApiTokenEvent.objects.create(
            token=token, action=ApiTokenEvent.Action.REVOKED, actor=actor, address=address
        )
    return token


def use_token(raw: str, scope: str, *, address: str | None, method: str, path: str) -> Person | None:
    """The person a bearer token acts as, for one request needing `scope`, with the use recorded.

    None for a token that is unknown, revoked, expired or whose person is disabled (the API answers 401, the
    same for each, so a probe learns nothing); `ScopeRefused` for a usable token without the scope (403).
    """
    if not raw.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("person").filter(token_hash=ApiToken.digest(raw)).first()
    if token is None or not token.is_usable():
        return None
    data = {"method": method, "path": path[:200], "scope": scope}
    if not token.allows(scope):
        ApiTokenEvent.objects.create(
            token=token, action=ApiTokenEvent.Action.REFUSED, actor=token.person, address=address, data=data
        )
        raise ScopeRefused(scope)
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address)
    ApiTokenEvent.objects.create(
        token=token, action=ApiTokenEvent.Action.USED, actor=token.person, address=address, at=now, data=data
    )
    return token.person
