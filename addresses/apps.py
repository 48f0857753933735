from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "addresses"
    verbose_name = _("Standard addresses")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from addresses.models import Doorplate, Place, Road

        # The registry's history: who added, moved or renamed which road, doorplate or place, and when.
        auditlog.register(Road, exclude_fields=["pinyin", "search_keys"])
        auditlog.register(Doorplate)
        auditlog.register(Place, exclude_fields=["pinyin", "search_keys"])
