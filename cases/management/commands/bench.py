from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Benchmark at scale in a throw-away database and print `name: value` lines ending with the ratios. "
        "`chuangwen bench cases` uses 1M cases; --quick uses 100k. Meant for PostgreSQL (DATABASE_URL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", choices=["cases"])
        parser.add_argument("--quick", action="store_true", help="100k cases instead of 1M")
        parser.add_argument("--cases", type=int, help="how many cases (overrides --quick)")
        parser.add_argument("--requests", type=int, default=300, help="intake requests per side")

    def handle(self, *args, **options) -> None:
        from cases import bench

        total = options["cases"] or (100_000 if options["quick"] else 1_000_000)
        if connection.vendor != "postgresql":
            self.stderr.write(
                "note: the published figures are for PostgreSQL; this run uses " + connection.vendor
            )
        if total < 1:
            raise CommandError("--cases must be positive")
        creation = connection.creation
        old_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
            with override_settings(
                STORAGES={**settings.STORAGES, "staticfiles": static},
                ROOT_URLCONF="cases.bench",
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
                DEBUG=False,
            ):
                bench.run(total, options["requests"], self.stdout.write)
        finally:
            creation.destroy_test_db(old_name, verbosity=0)
