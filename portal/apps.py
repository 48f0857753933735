from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Public reporting")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cases.models import Category

        # The tasks module declares the intake's sweep (core.periodic); it imports the models.
        from portal import tasks  # noqa: F401

        # Models exist only once the app registry is ready: they cannot be imported at the top.
        from portal.models import (
            ApiKey,
            HiddenPhoto,
            HotlineTicket,
            PointsRule,
            PublicService,
            ServiceAttribute,
        )
        from portal.queries import forget_services

        for model in (PublicService, Category):
            post_save.connect(forget_services, sender=model, dispatch_uid=f"portal-services-{model.__name__}")
            post_delete.connect(
                forget_services, sender=model, dispatch_uid=f"portal-services-d{model.__name__}"
            )

        auditlog.register(PublicService)
        auditlog.register(ServiceAttribute)
        auditlog.register(ApiKey, exclude_fields=["key_hash"])
        auditlog.register(HiddenPhoto)
        auditlog.register(HotlineTicket)
        auditlog.register(PointsRule, exclude_fields=["updated_at"])
