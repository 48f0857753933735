"""The Celery app: Redis broker in production, eager in the embedded default (see settings)."""

import os
from typing import Any

from celery import Celery, signals

from core import periodic

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangwen.settings")

app = Celery("chuangwen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect(sender=app)
def schedule_periodic_work(sender: Celery, **kwargs: Any) -> None:
    """Beat's schedule: the jobs each app registered from its AppConfig.ready() (core.periodic). A worker and beat
    send this signal as they start, after Celery's Django fixup (connected first) has run django.setup()."""
    sender.conf.beat_schedule = periodic.beat_schedule()
