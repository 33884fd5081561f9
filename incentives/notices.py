"""The notice a learner gets when they earn a reward. The coupon code is not in it: it is on their page."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register

REWARD_ISSUED = "reward_issued"
MY_POINTS_PATH = "/points/"


def reward_notice_values(context: dict) -> dict:
    from .models import RewardKind

    kind = context.get("kind")
    label = RewardKind(kind).label if kind in RewardKind.values else _("reward")
    return {"reference": context["reference"], "kind": label}


REWARD_NOTICE = NoticeKindSpec(
    name=REWARD_ISSUED,
    texts=NoticeTexts(
        subject=_("Thank you: a reward for your points (%(reference)s)"),
        body=_(
            "Your points reached a new threshold, so you have earned a reward: %(kind)s (%(reference)s). "
            "Its code is on your points page."
        ),
        sms=pgettext_lazy(
            "sms", "Thank you! You earned a reward: %(kind)s. See its code on your points page."
        ),
        title=_("You earned a reward: %(kind)s"),
    ),
    path=lambda context: MY_POINTS_PATH,
    required_context=frozenset({"reference", "kind"}),
    values=reward_notice_values,
    link_label=_("See your points and rewards: %(url)s"),
)


def register() -> None:
    """Register the reward notice (called from the app's ready)."""
    notice_kind_register(REWARD_NOTICE)
