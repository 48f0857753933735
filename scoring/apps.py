from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from scoring.models import Adjustment, Component, Scheme

        for model in (Scheme, Component, Adjustment):
            auditlog.register(model)
