from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.forms import hold_choices


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top; nor can the tasks
        # module, which imports them and declares the app's periodic jobs (core.periodic).
        from cases import tasks  # noqa: F401
        from cases.models import Case, Category

        # Pickers list these on most office pages (core.forms.hold_choices).
        for model in (Category,):
            hold_choices(model)

        auditlog.register(Category)
        # The reporter's contact is private: it never goes into the audit history in clear. Only the case's own
        # columns are compared: reading its reverse relations (a portal report, a hotline ticket) would cost a
        # query each on every save.
        own_fields = [f.name for f in Case._meta.concrete_fields if f.name != "updated_at"]
        auditlog.register(Case, mask_fields=["reporter_phone"], include_fields=own_fields)
