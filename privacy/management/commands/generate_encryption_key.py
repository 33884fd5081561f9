"""Print a new field-encryption key (``id:key``) or a new blind-index key."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for FIELD_ENCRYPTION_KEYS (as id:key) or, with --blind-index, BLIND_INDEX_KEY."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--id", dest="key_id", help="Key id (letters, digits, - and _); default k<date>.")
        parser.add_argument("--blind-index", action="store_true", help="Print a BLIND_INDEX_KEY instead.")

    def handle(self, *args, key_id: str | None = None, blind_index: bool = False, **options) -> None:
        key = generate_key()
        if blind_index:
            self.stdout.write(key)
            return
        self.stdout.write(f"{key_id or timezone.now().strftime('k%Y%m%d')}:{key}")
