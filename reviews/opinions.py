"""The reason for points that reviews add to the ledger: a learner's opinions gathered for a review."""

from django.utils.translation import gettext_lazy as _

from incentives.reasons import AwardReasonSpec, award_reason_register

OPINIONS_GIVEN = "review_opinions_given"
OPINIONS_POINTS = 10


def register() -> None:
    award_reason_register(AwardReasonSpec(OPINIONS_GIVEN, _("Opinions given for a review"), OPINIONS_POINTS))
