"""The Celery app: Redis broker in production, eager in the embedded default (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangwen.settings")

app = Celery("chuangwen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
