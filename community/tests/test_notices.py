"""The community's notices render in both languages with their own texts and links."""

import datetime

import pytest
from django.utils import timezone

from community import services
from community.notices import NOTICE_KINDS
from community.services import Decision
from notifications.messages import notice_render
from notifications.models import Notification

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_mute_notice_says_until_when_and_links_to_the_moderation_page(learner, moderator):
    post = PostFactory(author=learner)
    action = services.moderation_act(
        actor=moderator, target=post, decision=Decision(kind="mute", reason="刷屏", mute_days=2)
    )
    notice = Notification.objects.get(recipient=learner)

    shown = notice_render(kind=notice.kind, context=notice.context, language="zh-hans")

    until = f"{timezone.localtime(action.muted_until):%Y-%m-%d %H:%M}"
    assert shown.title == f"禁言至 {until}" and until in shown.email_body
    assert shown.path == "/community/my/moderation/"
    assert action.muted_until - timezone.now() > datetime.timedelta(days=1, hours=23)


def test_a_reply_notice_links_to_the_thread(learner):
    shown = notice_render(
        kind="community_reply", context={"reference": "12", "target": "rights"}, language="en"
    )
    assert shown.path == "/community/rights/12/" and shown.title == "New reply in a thread you follow"


@pytest.mark.parametrize("spec", NOTICE_KINDS, ids=[spec.name for spec in NOTICE_KINDS])
def test_every_kind_renders_in_chinese(spec):
    context = {"reference": "7", "target": "experience", "due_at": timezone.now().isoformat()}
    shown = notice_render(kind=spec.name, context=context, language="zh-hans")
    assert shown.title and shown.sms and not any(c.isascii() and c.isalpha() for c in shown.title)
