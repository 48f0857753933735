"""The model permissions follow the rename Framework → Edition (Django renames the content type, not the
permissions' codenames), so groups and people keep what they were granted."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def _rename(apps, old: str, new: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    mine = Permission.objects.filter(content_type__app_label="framework")
    for action in ACTIONS:
        # A codename created meanwhile (a migrate stopped halfway) is left alone: the old one keeps its grants.
        if not mine.filter(codename=f"{action}_{new}").exists():
            mine.filter(codename=f"{action}_{old}").update(codename=f"{action}_{new}")


def fill(apps, schema_editor) -> None:
    _rename(apps, "framework", "edition")


def empty(apps, schema_editor) -> None:
    _rename(apps, "edition", "framework")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("framework", "0003_rename_framework_edition"),
    ]

    operations = [migrations.RunPython(fill, empty)]
