"""Who may do what with ratings beyond giving one: moderators work the queue of comments."""

from accounts.models import User

MODERATE_PERMISSION = "ratings.moderate_rating"


def may_moderate_ratings(user: User) -> bool:
    """Whether the user works the moderation queue (superusers and holders of the permission)."""
    return user.is_active and user.has_perm(MODERATE_PERMISSION)
