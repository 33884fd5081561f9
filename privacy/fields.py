"""Model fields that keep sensitive values encrypted at rest, and blind indexes to find them by exact value.

An encrypted column can only be tested for emptiness in queries; to find a row by value, keep a
``BlindIndexField`` beside it and filter on that (``field.index_for(value)``). The blind index is computed in
``pre_save`` from its source field, like ``auto_now``; ``QuerySet.update()`` bypasses it, so change encrypted
values through ``save()`` or recompute the index yourself.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import FieldError
from django.db import models

from . import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedMixin:
    """Store the value as AES-GCM ciphertext text; decrypt on load. Empty values stay empty."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection) -> str:
        return connection.data_types["TextField"]

    def associated_data(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()

    def to_plaintext(self, value) -> bytes:
        return str(value).encode("utf-8")

    def from_plaintext(self, plaintext: bytes):
        return plaintext.decode("utf-8")

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.empty_python_value(value)
        return self.from_plaintext(crypto.decrypt(value, associated_data=self.associated_data()))

    def empty_python_value(self, stored):
        return stored

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None or value in ("", b""):
            return None if value is None else ""
        return crypto.encrypt(self.to_plaintext(value), associated_data=self.associated_data())

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted: it cannot be filtered by '{lookup_name}'. "
                "Filter on its blind index instead."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: '{lookup_name}' is not available.")


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Text encrypted at rest (mobile number, resident ID number, address, notes)."""


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date encrypted at rest (date of birth)."""

    def to_plaintext(self, value: datetime.date) -> bytes:
        return value.isoformat().encode("ascii")

    def from_plaintext(self, plaintext: bytes) -> datetime.date:
        return datetime.date.fromisoformat(plaintext.decode("ascii"))

    def empty_python_value(self, stored):
        return None


class EncryptedBinaryField(EncryptedMixin, models.TextField):
    """Bytes (a scanned identity document) encrypted at rest."""

    def to_python(self, value):
        if isinstance(value, memoryview):
            return bytes(value)
        return value

    def to_plaintext(self, value: bytes) -> bytes:
        return bytes(value)

    def from_plaintext(self, plaintext: bytes) -> bytes:
        return plaintext

    def empty_python_value(self, stored):
        return b"" if stored == "" else None

    def formfield(self, **kwargs):
        return None


def identity(value: str) -> str:
    return value


class BlindIndexField(models.CharField):
    """The keyed hash of another field's normalised value, kept beside it for exact-match lookups."""

    def __init__(
        self, *args, source: str = "", normalizer: Callable[[str], str] = identity, **kwargs
    ) -> None:
        self.source = source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.normalizer is not identity:
            kwargs["normalizer"] = self.normalizer
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def index_for(self, value) -> str:
        """Return the index of a value as it would be stored; empty values index as empty."""
        if value in (None, ""):
            return ""
        normalized = self.normalizer(str(value))
        return crypto.blind_index(purpose=self.purpose, value=normalized) if normalized else ""

    def pre_save(self, model_instance, add):
        value = self.index_for(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]
