"""Authenticated encryption of sensitive fields, and keyed blind indexes for exact-match lookups.

Ciphertext is text: ``enc1:<key id>:<base64url(nonce | ciphertext | tag)>``, AES-256-GCM with a fresh 96-bit
nonce, and the column's identity as associated data so a value copied into another column does not decrypt.

Keys come from settings (environment variables):

* ``FIELD_ENCRYPTION_KEYS``: ``id:key`` pairs, newest first; the newest encrypts, every listed key decrypts.
  Keys are 32 random bytes in URL-safe base64 (``python manage.py generate_encryption_key``).
* ``BLIND_INDEX_KEY``: its own 32-byte key for HMAC-SHA256 blind indexes (never a plain or salted hash).
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class EncryptionKeyError(ImproperlyConfigured):
    """The encryption or blind-index keys are missing or malformed."""


class DecryptionError(Exception):
    """A stored value cannot be decrypted: its key is not configured, the key is wrong, or it was altered."""


@dataclass(frozen=True)
class KeyRing:
    newest_id: str
    keys: dict[str, AESGCM]


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _decode_key(encoded: str, *, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(encoded.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise EncryptionKeyError(f"{name} is not valid URL-safe base64.") from error
    if len(raw) != KEY_BYTES:
        raise EncryptionKeyError(f"{name} must be {KEY_BYTES} bytes (got {len(raw)}).")
    return raw


@lru_cache(maxsize=8)
def _key_ring(configured: tuple[str, ...]) -> KeyRing:
    if not configured:
        raise EncryptionKeyError(
            "FIELD_ENCRYPTION_KEYS is empty: set it to 'id:key' pairs, newest first "
            "(python manage.py generate_encryption_key makes one)."
        )
    keys: dict[str, AESGCM] = {}
    for position, entry in enumerate(configured):
        key_id, separator, encoded = entry.partition(":")
        if not separator or not _KEY_ID_RE.match(key_id):
            raise EncryptionKeyError(
                f"FIELD_ENCRYPTION_KEYS entry {position + 1} must look like 'id:key' with an id of letters, "
                "digits, '-' or '_'."
            )
        if key_id in keys:
            raise EncryptionKeyError(f"FIELD_ENCRYPTION_KEYS lists key id {key_id!r} twice.")
        keys[key_id] = AESGCM(_decode_key(encoded, name=f"Encryption key {key_id!r}"))
    return KeyRing(newest_id=configured[0].partition(":")[0], keys=keys)


def key_ring() -> KeyRing:
    return _key_ring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def newest_key_id() -> str:
    return key_ring().newest_id


def ciphertext_prefix(key_id: str) -> str:
    return f"{PREFIX}:{key_id}:"


def encrypt(plaintext: bytes, *, associated_data: bytes) -> str:
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.newest_id].encrypt(nonce, plaintext, associated_data)
    return ciphertext_prefix(ring.newest_id) + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def key_id_of(token: str) -> str:
    prefix, _separator, rest = token.partition(":")
    if prefix != PREFIX:
        raise DecryptionError("The stored value is not in the encrypted format (enc1:…).")
    return rest.partition(":")[0]


def decrypt(token: str, *, associated_data: bytes) -> bytes:
    key_id = key_id_of(token)
    ring = key_ring()
    aead = ring.keys.get(key_id)
    if aead is None:
        raise DecryptionError(
            f"The value was encrypted with key {key_id!r}, which FIELD_ENCRYPTION_KEYS does not list. "
            "Add that key back (after the newest) until rotate_encryption_keys has re-encrypted every row."
        )
    try:
        blob = base64.urlsafe_b64decode(token.rsplit(":", 1)[1].encode("ascii"))
        return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data)
    except (InvalidTag, binascii.Error, ValueError) as error:
        raise DecryptionError(
            f"The value cannot be decrypted with key {key_id!r}: the key is wrong or the value was altered."
        ) from error


@lru_cache(maxsize=4)
def _blind_index_key(encoded: str) -> bytes:
    if not encoded:
        raise EncryptionKeyError("BLIND_INDEX_KEY is empty: set it to 32 random bytes in URL-safe base64.")
    return _decode_key(encoded, name="BLIND_INDEX_KEY")


def blind_index(*, purpose: str, value: str) -> str:
    """Return the HMAC-SHA256 of the value under the blind-index key, separated per purpose (column)."""
    key = _blind_index_key(settings.BLIND_INDEX_KEY)
    message = purpose.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
