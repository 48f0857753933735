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
    if settings.PHONE_HASH_KEY in (settings.INSECURE_DEV_PHONE_KEY, settings.SECRET_KEY):
        errors.append(
            Error(
                "PHONE_HASH_KEY is the development key or SECRET_KEY.",
                hint="Set PHONE_HASH_KEY to its own secret (see the README, Security baseline).",
                id="chuangwen.E004",
            )
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


@register()
def check_map_settings(app_configs, **kwargs):
    if settings.MAP_TILE_CRS in {"wgs84", "gcj02"}:
        return []
    return [
        Error(
            f"MAP_TILE_CRS is {settings.MAP_TILE_CRS!r}.",
            hint='Use "wgs84" (OpenStreetMap, 天地图) or "gcj02" (高德, 腾讯).',
            id="chuangwen.E004",
        )
    ]
