from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from bench import addresses, cases, exports, load, pages, scores


class Command(BaseCommand):
    help = (
        "Benchmark at scale in a throw-away database and print `name: value` lines ending with the ratios. "
        "`chuangwen bench cases` uses 1M cases; `chuangwen bench scores` 1M cases and 100k inspection results; "
        "`chuangwen bench exports` exports 10k and 100k cases; `chuangwen bench addresses` 500k doorplates "
        "(--doorplates N); `chuangwen bench pages` times every page the demo roles reach; `chuangwen bench load` "
        "drives gunicorn with a mixed workload (--workers, --clients, --seconds) and prints requests, errors, lost, "
        "p50/p95/p99 and throughput_ratio; --quick uses a tenth. Meant for PostgreSQL (DATABASE_URL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", choices=["cases", "scores", "exports", "addresses", "pages", "load"])
        parser.add_argument(
            "--quick",
            action="store_true",
            help="100k cases instead of 1M (scores: 10k results; exports: 1k and 10k cases; pages: 3 repeats, not 5)",
        )
        parser.add_argument("--cases", type=int, help="how many cases (overrides --quick)")
        parser.add_argument("--requests", type=int, default=300, help="cases: intake requests per side")
        parser.add_argument(
            "--results", type=int, help="scores: how many inspection results (default: cases ÷ 10)"
        )
        parser.add_argument("--workers", type=int, default=4, help="load: gunicorn workers")
        parser.add_argument("--clients", type=int, default=16, help="load: concurrent clients")
        parser.add_argument(
            "--seconds", type=float, help="load: how long the mixed workload runs (quick: 20)"
        )
        parser.add_argument(
            "--through-nginx",
            action="store_true",
            help="load: the clients reach gunicorn through the shipped nginx config (TLS, X-Forwarded-For)",
        )
        parser.add_argument(
            "--doorplates", type=int, default=500_000, help="addresses: how many doorplates (default 500,000)"
        )

    def handle(self, *args, **options) -> None:
        total = options["cases"] or (100_000 if options["quick"] else 1_000_000)
        if connection.vendor != "postgresql":
            self.stderr.write(
                "note: the published figures are for PostgreSQL; this run uses " + connection.vendor
            )
        if total < 1 or (options["results"] is not None and options["results"] < 1):
            raise CommandError("--cases and --results must be positive")
        self.site_urlconf = (
            settings.ROOT_URLCONF
        )  # the pages bench walks the site, not the cases bench's urls
        creation = connection.creation
        old_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
            with override_settings(
                STORAGES={**settings.STORAGES, "staticfiles": static},
                ROOT_URLCONF="bench.cases",
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
                DEBUG=False,
            ):
                self._run(options["target"], total, options)
        finally:
            creation.destroy_test_db(old_name, verbosity=0)

    def _run(self, target: str, total: int, options: dict) -> None:
        if target == "pages":
            with override_settings(ROOT_URLCONF=self.site_urlconf):
                pages.run(3 if options["quick"] else 5, self.stdout.write)
            return
        if target == "load":
            seconds = options["seconds"] or (20.0 if options["quick"] else 60.0)
            load.run(
                options["quick"],
                options["workers"],
                options["clients"],
                seconds,
                self.stdout.write,
                through_nginx=options["through_nginx"],
            )
            return
        if target == "exports":
            largest = options["cases"] or (10_000 if options["quick"] else 100_000)
            exports.run([max(largest // 10, 1), largest], self.stdout.write)
            return
        if target == "addresses":
            addresses.run(options["doorplates"], options["requests"], self.stdout.write)
            return
        if target == "scores":
            scores.run(total, options["results"] or max(total // 10, 1), self.stdout.write)
            return
        cases.run(total, options["requests"], self.stdout.write)
