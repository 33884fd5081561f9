"""What a text goes through before it is stored: personal data masked, then the sensitive words looked for.

Masking happens first, in memory, so a mobile number, a resident ID number or an e-mail address in a post
never reaches the table in full. The sensitive-word list is read from the cache (one key, dropped whenever a
moderator changes the list) and falls back to one query.
"""

import re
import unicodedata

from django.core.cache import cache
from django.db import transaction

from .models import SensitiveWord

WORDS_CACHE_KEY = "community:sensitive-words"
WORDS_CACHE_SECONDS = 3600

# Full-width digits and letters are read as their ASCII forms first, and a mobile number may be written in
# groups (138 1234 5678, 138-1234-5678).
_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "x", "＠": "@"})
_SEP = r"[ \-\u00a0]?"
_MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?(1[3-9][0-9]){_SEP}([0-9]{{4}}){_SEP}([0-9]{{4}})(?!\d)")
_RESIDENT_ID = re.compile(r"(?<![\dA-Za-z])([0-9]{6})([0-9]{8})([0-9]{3})([0-9Xx])(?![\dA-Za-z])")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")


def personal_data_mask(text: str) -> str:
    """Return ``text`` with Chinese mobile numbers, 18-character resident ID numbers and e-mail addresses
    masked: 138****5678, 110101********123X, a***@example.com."""
    text = text.translate(_FULL_WIDTH)
    text = _RESIDENT_ID.sub(lambda m: m.group(1) + "*" * 8 + m.group(3) + m.group(4), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def sensitive_words() -> tuple[str, ...]:
    """The active words, normalised, from the cache or (once per change of the list) the database."""
    words = cache.get(WORDS_CACHE_KEY)
    if words is None:
        active = SensitiveWord.objects.filter(is_active=True).values_list("word", flat=True)
        words = tuple(_normalized(word) for word in active)
        cache.set(WORDS_CACHE_KEY, words, WORDS_CACHE_SECONDS)
    return tuple(words)


def sensitive_words_forget() -> None:
    """Drop the cached list once the change that calls this commits (and right away, for this process)."""
    cache.delete(WORDS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(WORDS_CACHE_KEY))


def sensitive_word_found(text: str) -> str | None:
    """Return the first sensitive word ``text`` holds (whatever its width or case), or None."""
    haystack = _normalized(text)
    for word in sensitive_words():
        if word and word in haystack:
            return word
    return None
