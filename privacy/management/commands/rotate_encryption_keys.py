"""Re-encrypt every encrypted column under the newest key, in batches; safe to stop and run again."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast
from tqdm import tqdm

from privacy import crypto
from privacy.fields import blind_index_fields, encrypted_fields


def _raw(field: models.Field) -> str:
    return f"_raw_{field.attname}"


def rows_needing_rotation(model: type[models.Model], *, newest_key_id: str, reindex: bool) -> models.QuerySet:
    """Rows with any non-empty encrypted value not yet under the newest key (all rows with --reindex)."""
    queryset = model._base_manager.all()
    fields = encrypted_fields(model)
    if reindex:
        return queryset
    queryset = queryset.annotate(**{_raw(field): Cast(field.name, models.TextField()) for field in fields})
    stale = models.Q(pk__in=[])
    prefix = crypto.ciphertext_prefix(newest_key_id)
    for field in fields:
        stale |= models.Q(**{f"{_raw(field)}__gt": ""}) & ~models.Q(**{f"{_raw(field)}__startswith": prefix})
    return queryset.filter(stale)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the newest key in FIELD_ENCRYPTION_KEYS and refresh blind "
        "indexes. Rows already under the newest key are skipped, so a stopped run resumes where it ended."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--max-batches", type=int, default=None, help="Stop after this many batches.")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also rewrite rows already under the newest key (new index key).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(
        self, *args, batch_size: int, max_batches: int | None, reindex: bool, no_progress: bool, **options
    ):
        newest = crypto.newest_key_id()
        batches_left = max_batches
        rewritten = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            indexes = blind_index_fields(model)
            pending = rows_needing_rotation(model, newest_key_id=newest, reindex=reindex)
            total = pending.count()
            if not total:
                continue
            bar = tqdm(total=total, desc=model._meta.label, unit="row", disable=no_progress)
            last_pk = None
            while batches_left is None or batches_left > 0:
                page = pending.order_by("pk")
                if last_pk is not None:
                    page = page.filter(pk__gt=last_pk)
                batch = list(page.values_list("pk", flat=True)[:batch_size])
                if not batch:
                    break
                with transaction.atomic():
                    # Lock the rows so a concurrent edit is not overwritten with the value read here.
                    rows = list(model._base_manager.select_for_update().filter(pk__in=batch).order_by("pk"))
                    for row in rows:
                        for index in indexes:
                            index.pre_save(row, add=False)
                    model._base_manager.bulk_update(
                        rows, [f.name for f in fields] + [i.name for i in indexes]
                    )
                rewritten += len(rows)
                last_pk = batch[-1]
                bar.update(len(rows))
                if batches_left is not None:
                    batches_left -= 1
            bar.close()
        left = sum(
            rows_needing_rotation(model, newest_key_id=newest, reindex=False).count()
            for model in apps.get_models()
            if encrypted_fields(model)
        )
        if left:
            self.stdout.write(
                f"Rewrote {rewritten} rows; {left} rows still use an older key: run the command again."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rewrote {rewritten} rows; every encrypted value uses key {newest!r}. "
                    "Older keys can now be removed from FIELD_ENCRYPTION_KEYS."
                )
            )
