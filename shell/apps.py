from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ShellConfig(AppConfig):
    name = "shell"

    def ready(self) -> None:
        # Each app's menu.py registers its entries in core.navigation as it is imported.
        autodiscover_modules("menu")
