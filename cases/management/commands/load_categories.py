from django.core.management.base import BaseCommand

from cases.categories import data_dir, load_categories


class Command(BaseCommand):
    help = "Load the shipped problem categories (CJ/T 214 events and components, GB/T 47678.5 examples)."

    def handle(self, *args, **options) -> None:
        directory = data_dir()
        report = load_categories(directory)
        self.stdout.write(f"{report} (from {directory})")
