"""The registry of notice kinds: each kind's texts in every language, its link and the context it needs.

A domain registers its kinds from its ``AppConfig.ready``; the outbox then refuses a notice of a registered
kind whose context lacks a key the kind needs, and renders it with the kind's own texts and link. The texts
are lazy translations with ``%(name)s`` placeholders; ``values`` turns the stored context (plain strings,
no personal data) into the values the texts show, in the recipient's language, at delivery time.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class NoticeTexts:
    """Texts of one kind of notice; ``%(reference)s`` stands for the subject's reference."""

    subject: Promise
    body: Promise
    sms: Promise
    title: Promise


@dataclass(frozen=True)
class NoticeAttachment:
    """A file an e-mail notice carries (a calendar entry), built when the notice is delivered."""

    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class NoticeKindSpec:
    """One kind of notice. ``path(context)`` is the link (a path on this site) the notice leads to.

    ``attachments(context, recipient)``, when given, returns the files its e-mail carries, built at delivery
    time from the records the context names (never stored in the outbox); SMS and the inbox carry none.
    """

    name: str
    texts: NoticeTexts
    path: Callable[[dict], str]
    required_context: frozenset[str] = frozenset({"reference"})
    values: Callable[[dict], dict] = field(default=lambda context: dict(context))
    link_label: Promise | None = None
    attachments: Callable[[dict, object], list[NoticeAttachment]] | None = None


_KINDS: dict[str, NoticeKindSpec] = {}


def notice_kind_register(spec: NoticeKindSpec) -> NoticeKindSpec:
    """Register a kind (registering the same name again replaces it)."""
    _KINDS[spec.name] = spec
    return spec


def notice_kind_get(name: str) -> NoticeKindSpec | None:
    return _KINDS.get(name)


def notice_context_check(*, kind: str, context: dict) -> None:
    """Raise ValueError when a registered kind's context lacks a key the kind needs."""
    spec = _KINDS.get(kind)
    if spec is None:
        return
    missing = spec.required_context - set(context)
    if missing:
        raise ValueError(f"A {kind!r} notice needs {sorted(missing)} in its context.")
