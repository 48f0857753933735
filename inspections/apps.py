from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from inspections.models import Finding, LineCategory, Round, Site, Visit

        auditlog.register(Site)
        auditlog.register(Round)
        auditlog.register(Visit)
        auditlog.register(Finding)
        auditlog.register(LineCategory)
