from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from bulletins.models import BulletinTemplate, IssuedDocument, NumberSequence

        # A template is code the server runs on every bulletin: who put it there, and when, is on the record.
        auditlog.register(BulletinTemplate)
        # The register is the history of issuing; the log also keeps who changed a prefix or a sequence.
        auditlog.register(IssuedDocument)
        auditlog.register(NumberSequence)
