from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Materials (网上申报)")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top; nor can the tasks
        # module, which imports them and declares the app's periodic jobs (core.periodic).
        from materials import tasks  # noqa: F401
        from materials.models import MaterialRequest

        auditlog.register(MaterialRequest)
