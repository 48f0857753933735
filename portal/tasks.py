"""The Celery side of the web intake: filing the reports the report page took in (portal.actions.receive_report).

The report page queues this task half a second ahead, once for all the reports a process takes in meanwhile
(portal.actions.queue_filing); beat runs it every INTAKE_SWEEP_SECONDS as well, so a report
whose job was never queued (the broker was down) or never ran (its worker died) is filed all the same. Runs at
once are safe: each takes rows the others have not locked.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from core import periodic
from portal import actions


@shared_task(name=actions.FILE_TASK, acks_late=True, reject_on_worker_lost=True)
def file_received_reports() -> int:
    return actions.file_received_reports()


periodic.register("portal-intake-sweep", file_received_reports, seconds=float(settings.INTAKE_SWEEP_SECONDS))
