from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background files")

    def ready(self) -> None:
        # The tasks module declares the sweeper (core.periodic); it imports the models, so it cannot be at the top.
        from jobs import tasks  # noqa: F401
