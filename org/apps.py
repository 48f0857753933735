from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.forms import hold_choices


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from org.models import Grid, Person, Unit

        # Pickers list these on most office pages (core.forms.hold_choices).
        for model in (Unit, Grid):
            hold_choices(model)

        auditlog.register(Unit)
        auditlog.register(Grid)
        auditlog.register(Person, exclude_fields=["password", "last_login"])
