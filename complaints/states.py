"""The states a complaint passes through (DESIGN §3); the moves between them live in ``workflow``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_COMPLAINANT = "awaiting_complainant", _("Awaiting the complainant")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    RESPONDED = "responded", _("Responded")
    APPEALED = "appealed", _("Appealed")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A complaint in one of these states is finished; only an appeal (from CLOSED, within its window) reopens one.
TERMINAL_STATES = frozenset({State.CLOSED, State.REJECTED, State.MERGED, State.WITHDRAWN})
OPEN_STATES = frozenset(State) - TERMINAL_STATES
