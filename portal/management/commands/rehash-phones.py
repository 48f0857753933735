"""`chuangwen rehash-phones`: after PHONE_HASH_KEY changed, rewrite every citizen's phone identity with the new key
(run it once, before the web processes start with the new key)."""

from django.core.management.base import BaseCommand

from portal.actions import rehash_phones


class Command(BaseCommand):
    help = "Rewrite the phone identities (points, ranking) with the current PHONE_HASH_KEY."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{rehash_phones()} phone identities rewritten.")
