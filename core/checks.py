"""System checks that refuse dangerous production settings (run by `chuangwen check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_KEY:
        errors.append(
            Error("SECRET_KEY is the development key.", hint="Set SECRET_KEY.", id="chuangwen.E001")
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Error("Production needs PostgreSQL.", hint="Set DATABASE_URL=postgres://…", id="chuangwen.E002")
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "Background jobs run in the web process.",
                hint="Set REDIS_URL (Celery broker).",
                id="chuangwen.E003",
            )
        )
    return errors
