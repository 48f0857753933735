from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cases.models import Case, Category

        auditlog.register(Category)
        # The reporter's contact is private: it never goes into the audit history in clear.
        auditlog.register(Case, mask_fields=["reporter_phone"], exclude_fields=["updated_at"])
