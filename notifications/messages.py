"""The words of each notice, rendered when it is delivered, in the language its recipient chose.

A notice's context carries a complaint's reference and plain codes only, so no text here can hold a name, an
address or a number: the reference is the one detail a message repeats. The full story is on the complaint's
page, behind a log-in.

A kind registered in ``notifications.kinds`` (the SLA notices, registered by each clock subject) brings its
own texts, link and values. The other kinds are the values of
``complaints.services.notices.NoticeKind``, whose texts are still kept here (strings, so that this module
does not import the complaints app, which imports the outbox); a kind without texts of its own gets the
generic ones.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kinds import NoticeTexts, notice_kind_get


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    email_body: str
    sms: str
    title: str
    path: str


# Translators: the SMS texts (pgettext context "sms") must stay within 70 Chinese characters including the
# reference, so that each goes out as one message.
NOTICE_TEXTS: dict[str, NoticeTexts] = {
    "complaint_received": NoticeTexts(
        subject=_("Complaint %(reference)s has been received"),
        body=_(
            "Our staff have logged your complaint under the reference %(reference)s. A member of staff "
            "will take it on within one hour; you can follow it and add evidence on the complaint's page."
        ),
        sms=pgettext_lazy("sms", "Your complaint was logged as %(reference)s. We will take it on soon."),
        title=_("Complaint %(reference)s received"),
    ),
    "complaint_acknowledged": NoticeTexts(
        subject=_("Complaint %(reference)s has been acknowledged"),
        body=_(
            "A member of staff has acknowledged complaint %(reference)s and is now handling it. "
            "You can follow its progress on the complaint's page."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s has been acknowledged and is being handled."),
        title=_("Complaint %(reference)s acknowledged"),
    ),
    "complaint_public_reply": NoticeTexts(
        subject=_("New reply on complaint %(reference)s"),
        body=_("There is a new reply on complaint %(reference)s. Log in to read it."),
        sms=pgettext_lazy("sms", "New reply on complaint %(reference)s. Log in to read it."),
        title=_("New reply on complaint %(reference)s"),
    ),
    "complaint_information_requested": NoticeTexts(
        subject=_("More information needed for complaint %(reference)s"),
        body=_(
            "The person handling complaint %(reference)s needs more information from you. "
            "The complaint waits for your reply; please answer on the complaint's page."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s needs more information. Please log in."),
        title=_("Information requested on complaint %(reference)s"),
    ),
    "complaint_complainant_replied": NoticeTexts(
        subject=_("The complainant replied on complaint %(reference)s"),
        body=_("The complainant has answered on complaint %(reference)s; its time limits run again."),
        sms=pgettext_lazy("sms", "The complainant replied on complaint %(reference)s."),
        title=_("Complainant replied on %(reference)s"),
    ),
    "complaint_complainant_message": NoticeTexts(
        subject=_("New message from the complainant on complaint %(reference)s"),
        body=_("The complainant has written about complaint %(reference)s. Log in to read the message."),
        sms=pgettext_lazy("sms", "New message from the complainant on complaint %(reference)s."),
        title=_("Complainant wrote on %(reference)s"),
    ),
    "complaint_responded": NoticeTexts(
        subject=_("Response to complaint %(reference)s"),
        body=_(
            "The institution has responded to complaint %(reference)s. Please read the response and say "
            "whether it resolves your concern."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s has a response. Please log in to read it."),
        title=_("Response to complaint %(reference)s"),
    ),
    "complaint_closed": NoticeTexts(
        subject=_("Complaint %(reference)s has been closed"),
        body=_(
            "Complaint %(reference)s has been closed. If you disagree with the outcome, you can appeal "
            "from the complaint's page."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s has been closed. You may appeal online."),
        title=_("Complaint %(reference)s closed"),
    ),
    "complaint_rejected": NoticeTexts(
        subject=_("Complaint %(reference)s was not accepted"),
        body=_(
            "Complaint %(reference)s was not accepted. The reason and how to appeal are on the "
            "complaint's page."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s was not accepted. See why online."),
        title=_("Complaint %(reference)s not accepted"),
    ),
    "complaint_merged": NoticeTexts(
        subject=_("Complaint %(reference)s was merged"),
        body=_(
            "Complaint %(reference)s was merged with another complaint about the same matter, "
            "which is handled in its place."
        ),
        sms=pgettext_lazy("sms", "Complaint %(reference)s was merged with another complaint."),
        title=_("Complaint %(reference)s merged"),
    ),
    "complaint_withdrawn": NoticeTexts(
        subject=_("Complaint %(reference)s was withdrawn"),
        body=_("Complaint %(reference)s has been withdrawn and needs no further handling."),
        sms=pgettext_lazy("sms", "Complaint %(reference)s has been withdrawn."),
        title=_("Complaint %(reference)s withdrawn"),
    ),
    "complaint_legal_flag": NoticeTexts(
        subject=_("Complaint %(reference)s needs legal review"),
        body=_("Complaint %(reference)s was flagged for legal review and is now treated as major."),
        sms=pgettext_lazy("sms", "Complaint %(reference)s was flagged for legal review."),
        title=_("Legal review: %(reference)s"),
    ),
    "complaint_safety_flag": NoticeTexts(
        subject=_("Safety concern on complaint %(reference)s"),
        body=_("Complaint %(reference)s was flagged as a safety concern. Please act on it at once."),
        sms=pgettext_lazy("sms", "Safety concern on complaint %(reference)s. Please act at once."),
        title=_("Safety concern: %(reference)s"),
    ),
    "complaint_approval_requested": NoticeTexts(
        subject=_("Approval requested for complaint %(reference)s"),
        body=_("A proposed resolution of complaint %(reference)s awaits your approval."),
        sms=pgettext_lazy("sms", "A resolution of complaint %(reference)s awaits your approval."),
        title=_("Approval requested: %(reference)s"),
    ),
    "complaint_resolution_returned": NoticeTexts(
        subject=_("Resolution of complaint %(reference)s returned"),
        body=_("The proposed resolution of complaint %(reference)s was returned for changes."),
        sms=pgettext_lazy("sms", "The resolution of complaint %(reference)s was returned for changes."),
        title=_("Resolution returned: %(reference)s"),
    ),
    "complaint_appealed": NoticeTexts(
        subject=_("Appeal on complaint %(reference)s"),
        body=_("The outcome of complaint %(reference)s has been appealed and awaits an independent review."),
        sms=pgettext_lazy("sms", "Complaint %(reference)s has been appealed."),
        title=_("Appeal on %(reference)s"),
    ),
    "complaint_remedy_carried_out": NoticeTexts(
        subject=_("A remedy on complaint %(reference)s was carried out"),
        body=_("A remedy agreed for you on complaint %(reference)s has been carried out."),
        sms=pgettext_lazy("sms", "A remedy on complaint %(reference)s has been carried out."),
        title=_("Remedy carried out: %(reference)s"),
    ),
}

GENERIC_TEXTS = NoticeTexts(
    subject=_("Complaint %(reference)s was updated"),
    body=_("Your complaint %(reference)s was updated. Log in to see what changed."),
    sms=pgettext_lazy("sms", "Complaint %(reference)s was updated. Log in to see what changed."),
    title=_("Complaint %(reference)s updated"),
)

# A notice with no complaint behind it: nothing to name, so the texts point at the inbox.
NO_REFERENCE_TEXTS = NoticeTexts(
    subject=_("You have a new notice"),
    body=_("You have a new notice on the learner-rights platform. Log in to read it."),
    sms=pgettext_lazy("sms", "You have a new notice. Please log in to read it."),
    title=_("New notice"),
)

INBOX_PATH = "/notifications/"
PREFERENCES_PATH = "/notifications/preferences/"


def complaint_path(reference: str) -> str:
    return f"/complaints/{reference}/"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def recipient_language(language: str | None) -> str:
    """Return the recipient's language if the site offers it, the site's default otherwise."""
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def notice_texts(kind: str) -> NoticeTexts:
    return NOTICE_TEXTS.get(kind, GENERIC_TEXTS)


def notice_render(*, kind: str, context: dict, language: str) -> RenderedNotice:
    """Render every text of a notice in ``language``.

    A registered kind (``notifications.kinds``) brings its own texts, link and values; the others take only
    the reference from the context and link to the complaint.
    """
    spec = notice_kind_get(kind)
    reference = context.get("reference")
    with translation.override(recipient_language(language)):
        if spec is not None:
            texts, path, values = spec.texts, spec.path(context), spec.values(context)
            link_line = spec.link_label or _("Open it here: %(url)s")
        elif reference:
            texts, path, values = notice_texts(kind), complaint_path(str(reference)), {"reference": reference}
            link_line = _("Open the complaint: %(url)s")
        else:
            texts, path, values = NO_REFERENCE_TEXTS, INBOX_PATH, {}
            link_line = _("Open your notices: %(url)s")
        body = str(texts.body) % values
        footer = _("You receive this notice because you take part in this matter. Your channels: %(url)s")
        link = str(link_line) % {"url": absolute_url(path)}
        # "-- " on a line of its own starts a signature, which mail programs set apart.
        email_body = f"{body}\n\n{link}\n\n-- \n{str(footer) % {'url': absolute_url(PREFERENCES_PATH)}}\n"
        return RenderedNotice(
            subject=str(texts.subject) % values,
            email_body=email_body,
            sms=str(texts.sms) % values,
            title=str(texts.title) % values,
            path=path,
        )
