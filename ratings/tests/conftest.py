import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from accounts.tests.factories import LearnerFactory, StaffFactory
from ratings.models import Rating
from ratings.services import rating_give

from .factories import MentorFactory, MentorSessionFactory


def grant_moderation(user: User) -> User:
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="ratings", codename="moderate_rating")
    )
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached on the instance


def give(mentor, *, score: int = 4, comment: str = "", rater: User | None = None) -> Rating:
    """A rating of the mentor from a new session of theirs (so each is once per source)."""
    session = MentorSessionFactory(mentor=mentor, learner=rater or LearnerFactory())
    return rating_give(subject=mentor, source=session, rater=session.learner, score=score, comment=comment)


def row(rating: Rating) -> dict:
    """Everything stored of the rating, to show a refused action changed nothing."""
    return Rating.objects.values().get(pk=rating.pk)


@pytest.fixture(autouse=True)
def _ratings_settings(settings):
    # The defaults of config/settings/base.py, pinned whatever the environment says.
    settings.RATINGS_PUBLISH_MIN = 5
    settings.RATINGS_REFRESH_BATCH = 3


@pytest.fixture
def mentor(db):
    return MentorFactory(with_account=True)


@pytest.fixture
def moderator(db):
    return grant_moderation(StaffFactory())


@pytest.fixture
def pending(mentor):
    """A rating of the mentor whose comment waits for moderation."""
    return give(mentor, score=2, comment="讲解太快，跟不上。")
