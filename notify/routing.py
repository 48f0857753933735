"""Which deliveries a message makes: the channels each person chose for its kind (or the catalogue's default),
the addresses they have, and when each may go (SMS waits out the person's quiet hours unless the kind is urgent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from notify.catalogue import Kind, kind_of
from notify.models import Channel, Delivery, Notification, Preferences, default_quiet_end, default_quiet_start
from org.models import Person, Unit

SMS_PARAM_LENGTH = 35  # the longest variable the SMS providers accept in a notification template


def preferences_of(people: Iterable[Person]) -> dict[int, Preferences]:
    """Each person's preferences (by id), in one query; people who never chose have none."""
    ids = {person.pk for person in people}
    return {prefs.person_id: prefs for prefs in Preferences.objects.filter(person_id__in=ids)}


def chosen_channels(prefs: Preferences | None, kind: Kind) -> set[str]:
    if prefs is not None and kind.code in prefs.channels:
        return set(prefs.channels[kind.code])
    default: set[str] = {Channel.EMAIL.value, Channel.WECOM.value, Channel.DINGTALK.value}
    return default | {Channel.SMS.value} if kind.sms else default


def address_of(person: Person, prefs: Preferences | None, channel: str) -> str:
    if channel == Channel.EMAIL:
        return person.email
    if channel == Channel.SMS:
        return person.phone
    if prefs is None:
        return ""
    apps: dict[str, str] = {
        Channel.WECOM.value: prefs.wecom_userid,
        Channel.DINGTALK.value: prefs.dingtalk_userid,
    }
    return apps.get(channel, "")


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in (local time), or None outside them. Hours may span midnight."""
    local = timezone.localtime(now)
    clock = local.time()
    spans_midnight = start > end
    quiet = (clock >= start or clock < end) if spans_midnight else (start <= clock < end)
    if not quiet:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until + dt.timedelta(days=1) if until <= local else until


def due_at(channel: str, kind: Kind, prefs: Preferences | None, now: dt.datetime) -> dt.datetime:
    """SMS is held until the end of the person's quiet hours (22:00–07:30 by default) unless the kind is urgent;
    the other channels wait for the person to look."""
    if channel != Channel.SMS or kind.urgent:
        return now
    start = prefs.quiet_start if prefs else default_quiet_start()
    end = prefs.quiet_end if prefs else default_quiet_end()
    return quiet_until(now, start, end) or now


def sms_params(title: str) -> dict[str, str]:
    return {"title": title[:SMS_PARAM_LENGTH]}


def link(url: str) -> str:
    """The message's link as a person outside the app can open it (SITE_URL in front of the site's own paths)."""
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") and settings.SITE_URL else url


def text_of(notification: Notification) -> str:
    lines = [notification.title, notification.body, link(notification.url)]
    return "\n".join(line for line in lines if line)


def deliveries_for(
    notifications: Iterable[Notification], prefs: dict[int, Preferences], now: dt.datetime | None = None
) -> list[Delivery]:
    """One delivery per chosen channel with an address, for each notification (not saved)."""
    now = now or timezone.now()
    rows = []
    for notification in notifications:
        person, kind = notification.recipient, kind_of(notification.kind)
        mine = prefs.get(person.pk)
        for channel in sorted(chosen_channels(mine, kind)):
            address = address_of(person, mine, channel)
            if address:
                rows.append(
                    Delivery(
                        channel=channel,
                        address=address,
                        person=person,
                        unit_id=notification.unit_id,
                        kind=kind.code,
                        text=text_of(notification),
                        params=sms_params(notification.title),
                        dedupe_key=notification.dedupe_key,
                        due_at=due_at(channel, kind, mine, now),
                    )
                )
    return rows


def unit_sms(
    unit: Unit,
    kind_code: str,
    title: str,
    text: str,
    dedupe_key: str,
    head: bool = True,
    now: dt.datetime | None = None,
) -> list[Delivery]:
    """SMS to the unit's liaison number (the liaison always hears of the unit's work) and, with `head`, its
    head's, held for the default quiet hours unless urgent. A number that is also a person's gets one SMS: the
    key is per address."""
    now = now or timezone.now()
    kind = kind_of(kind_code)
    phones = {unit.liaison_phone, unit.head_phone if head else ""} - {""}
    return [
        Delivery(
            channel=Channel.SMS,
            address=phone,
            unit=unit,
            kind=kind_code,
            text=text,
            params=sms_params(title),
            dedupe_key=dedupe_key,
            due_at=due_at(Channel.SMS, kind, None, now),
        )
        for phone in sorted(phones)
    ]
