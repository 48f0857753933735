from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top; nor can the tasks
        # module, which imports them and declares the app's periodic jobs (core.periodic).
        from notify import tasks  # noqa: F401
        from notify.models import WebhookEndpoint

        auditlog.register(WebhookEndpoint)
