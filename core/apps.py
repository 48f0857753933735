from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import checks  # noqa: F401  (registers the system checks)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from core.models import CalendarOverride, Period

        auditlog.register(CalendarOverride)
        auditlog.register(Period)
