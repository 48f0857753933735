"""gunicorn's settings for Chuangwen: `gunicorn -c python:chuangwen.gunicorn chuangwen.wsgi`.

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics to files there and /metrics adds them up; the
folder is emptied when the server starts (a previous run's counts would be added in) and a worker's live gauges
are dropped when it exits. Everything else comes from the command line or GUNICORN_CMD_ARGS.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess


def _metrics_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(folder) if folder else None


def on_starting(server: Any) -> None:
    folder = _metrics_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    if _metrics_dir() is not None:
        multiprocess.mark_process_dead(worker.pid)
