from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    name = "framework"
    verbose_name = _("Evaluation framework")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from framework import models

        for model in (
            models.Edition,
            models.Node,
            models.Criterion,
            models.Requirement,
            models.CheckItem,
            models.SiteType,
            models.Task,
            models.TaskUnit,
        ):
            auditlog.register(model)
