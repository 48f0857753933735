import time

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.addresses import build_demo_registry
from demo.cases import build_demo_cases, build_many_cases
from demo.county import DEMO_PASSWORD, build_demo_county, demo_loaded, demo_logins, require_password_changes
from demo.framework import build_demo_edition, demo_edition_loaded, load_shipped_edition
from demo.inspections import build_demo_history, build_demo_round, build_demo_sites
from demo.materials import build_demo_materials
from demo.portal import build_demo_portal
from demo.scoring import build_demo_field_results, build_demo_scores
from demo.surveys import build_demo_surveys
from demo.today import build_demo_today


class Command(BaseCommand):
    help = (
        "Load the demo county 示范县 (idempotent: an existing demo is reused), then print the demo logins. "
        "--cases N tops the cases up to N for benchmarks (1,000,000 takes minutes on PostgreSQL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cases", type=int, default=0, help="add cases until there are N (for benchmarks)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="load it with DEBUG=0 too (a trial server): every demo account must then change its password",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                f"The demo's accounts share the published password {DEMO_PASSWORD}: it runs with DEBUG=1 only. "
                "On a trial server others can reach, add --force: every demo account must then choose its own "
                "password at its first sign-in."
            )
        if demo_loaded():
            self.stdout.write("Demo county already loaded; reusing it.")
        else:
            # The initial load is not a change anyone made; keep it out of the audit history.
            with disable_auditlog():
                build_demo_county()
            self.stdout.write(self.style.SUCCESS("Demo county 示范县 loaded."))
        with disable_auditlog():
            plates = build_demo_registry()
        if plates:
            self.stdout.write(f"Standard addresses: {plates} doorplates with their roads and places added.")
        if not demo_edition_loaded():
            with disable_auditlog():
                shipped = load_shipped_edition()
                edition = build_demo_edition()
            self.stdout.write(self.style.SUCCESS(f"Framework edition “{edition.name}” loaded (active)."))
            if shipped:
                self.stdout.write(f"Shipped edition “{shipped.name}” loaded.")
        with disable_auditlog():
            added = build_demo_cases()
        self.stdout.write(
            f"Demo cases: {added} added." if added else "Demo cases already loaded; reusing them."
        )
        if options["cases"] > 0:
            self.add_many_cases(options["cases"])
        with disable_auditlog():
            services = build_demo_portal()
        if services:
            self.stdout.write(f"Public reporting: {services} public categories added.")
        # Each domain adds its demo data once; every builder skips what is already there.
        with disable_auditlog():
            build_demo_surveys()
            build_demo_scores()
            sites = build_demo_sites()
            build_demo_round()
            rounds = build_demo_history()
            materials = build_demo_materials()
            inspected = build_demo_field_results()
            # Last: today's work goes through the actions, over everything the builders above made.
            today = build_demo_today()
        if today:
            self.stdout.write(f"Today's work: new, due, overdue and sent-back cases for {today} units.")
        if sites:
            self.stdout.write(f"Demo sites: {sites} added.")
        if inspected:
            self.stdout.write(f"Demo inspections: {inspected} submitted (their failed lines opened cases).")
        if rounds:
            self.stdout.write(f"Demo inspection rounds with results: {rounds} added.")
        if materials:
            self.stdout.write(f"Demo materials: {materials} requests with submissions in every state.")
        if connection.vendor == "postgresql":
            # The planner's statistics of the tables just filled: autovacuum gets to them only minutes later, and
            # until then PostgreSQL plans for empty tables (the lost-points page's survey query: 150 ms, 25 ms
            # after ANALYZE).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not settings.DEBUG:
            changed = require_password_changes()
            self.stdout.write(
                self.style.WARNING(
                    f"DEBUG is off: {changed} demo accounts must change their password at sign-in."
                )
            )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<12} {login.role:<8} {login.unit}")

    def add_many_cases(self, total: int) -> None:
        started = time.monotonic()

        def progress(added: int) -> None:
            self.stdout.write(f"  {added} cases added ({time.monotonic() - started:.0f} s)")

        with disable_auditlog():
            added = build_many_cases(total, progress=progress)
        if added:
            self.stdout.write(
                self.style.SUCCESS(f"{added} cases added in {time.monotonic() - started:.0f} s.")
            )
        else:
            self.stdout.write(f"Already {total} cases or more; none added.")
