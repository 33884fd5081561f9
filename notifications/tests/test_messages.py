"""The words of notices: a set per kind, in the recipient's language, nothing personal but the reference."""

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.messages import GENERIC_TEXTS, NOTICE_TEXTS, notice_render
from notifications.models import Notification
from notifications.services import notification_deliver
from privacy.services import purpose_consent_grant

REFERENCE = "TS-2026-000042"
# What the outbox context may also carry: codes, never shown as personal details.
CONTEXT = {"reference": REFERENCE, "state": "open", "flag": "legal", "severity": "major", "kind": "refund"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", [*NOTICE_TEXTS, "a_kind_nobody_wrote_texts_for"])
def test_every_text_names_the_reference_and_an_sms_fits_one_message(kind, language):
    rendered = notice_render(kind=kind, context=CONTEXT, language=language)

    for text in (rendered.subject, rendered.email_body, rendered.sms, rendered.title):
        assert REFERENCE in text
        assert "%(" not in text
    assert len(rendered.sms) <= 70
    assert rendered.path == f"/complaints/{REFERENCE}/"
    assert f"http://localhost:8000/complaints/{REFERENCE}/" in rendered.email_body
    assert "http://localhost:8000/notifications/preferences/" in rendered.email_body


def test_an_unknown_kind_falls_back_to_the_generic_update():
    rendered = notice_render(kind="complaint_renamed", context={"reference": REFERENCE}, language="en")

    with translation.override("en"):
        assert rendered.subject == str(GENERIC_TEXTS.subject) % {"reference": REFERENCE}
    assert rendered.title == f"Complaint {REFERENCE} updated"


def test_a_notice_without_a_reference_points_to_the_inbox():
    rendered = notice_render(kind="complaint_closed", context={}, language="en")

    assert rendered.path == "/notifications/"
    assert "http://localhost:8000/notifications/" in rendered.email_body


def test_links_follow_the_site_url(settings):
    settings.SITE_URL = "https://complaints.example.edu.cn/"

    rendered = notice_render(kind="complaint_closed", context={"reference": REFERENCE}, language="en")

    assert f"https://complaints.example.edu.cn/complaints/{REFERENCE}/" in rendered.email_body


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*NOTICE_TEXTS, "a_kind_nobody_wrote_texts_for"])
def test_what_is_sent_holds_no_personal_data_beyond_the_reference(kind):
    person = LearnerFactory(
        display_name="张小明", email="zhang.xiaoming@example.edu.cn", mobile="13912345678"
    )
    purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
    rows = [
        Notification.objects.create(recipient=person, channel=channel, kind=kind, context=CONTEXT)
        for channel in ("email", "sms", "in_app")
    ]

    for row in rows:
        notification_deliver(notification_id=row.pk)

    [message] = mail.outbox
    [text] = sms.outbox
    sent_texts = [message.subject, message.body, text["text"]]
    for secret in ("张小明", "zhang.xiaoming", "13912345678", "5678"):
        assert all(secret not in sent for sent in sent_texts), secret
    assert all(REFERENCE in sent for sent in sent_texts)


def write_catalogue(directory, translations: dict[tuple[str | None, str], str]) -> None:
    """Compile a small Chinese catalogue into ``directory`` (a stand-in for the translators' work)."""
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "zh_Hans"}
    for (context, msgid), msgstr in translations.items():
        catalogue.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr))
    target = directory / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue.save_as_mofile(str(target / "django.mo"))


@pytest.mark.django_db
def test_the_message_is_in_the_recipients_language_whatever_language_is_active(tmp_path):
    write_catalogue(
        tmp_path,
        {
            (None, "Complaint %(reference)s has been acknowledged"): "投诉 %(reference)s 已受理",
            ("sms", "Complaint %(reference)s has been acknowledged and is being handled."): (
                "投诉 %(reference)s 已受理，正在处理。"
            ),
        },
    )
    chinese = LearnerFactory(preferred_language="zh-hans", mobile="13900000001")
    english = LearnerFactory(preferred_language="en", mobile="13900000002")
    rows = []
    for person in (chinese, english):
        purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
        for channel in ("email", "sms"):
            rows.append(
                Notification.objects.create(
                    recipient=person, channel=channel, kind="complaint_acknowledged", context=CONTEXT
                )
            )

    with override_settings(LOCALE_PATHS=[str(tmp_path), *settings.LOCALE_PATHS]):
        # The worker's own language is the opposite of each recipient's.
        for row in rows:
            active = "en" if row.recipient == chinese else "zh-hans"
            with translation.override(active):
                notification_deliver(notification_id=row.pk)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        chinese.email: f"投诉 {REFERENCE} 已受理",
        english.email: f"Complaint {REFERENCE} has been acknowledged",
    }
    texts_sent = {message["to"]: message["text"] for message in sms.outbox}
    assert texts_sent == {
        "13900000001": f"投诉 {REFERENCE} 已受理，正在处理。",
        "13900000002": f"Complaint {REFERENCE} has been acknowledged and is being handled.",
    }
