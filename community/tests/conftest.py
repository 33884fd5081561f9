import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from community.models import Board
from community.screening import WORDS_CACHE_KEY


@pytest.fixture(autouse=True)
def _fresh_word_list():
    cache.delete(WORDS_CACHE_KEY)
    yield
    cache.delete(WORDS_CACHE_KEY)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def learner():
    return LearnerFactory(display_name="小王")


@pytest.fixture
def other_learner():
    return LearnerFactory(display_name="小李")


@pytest.fixture
def moderator():
    """A supervisor: the role holds the moderation permission (the app's migration grants it)."""
    return StaffFactory(roles=[Role.SUPERVISOR], display_name="版主甲")


@pytest.fixture
def second_moderator():
    person = StaffFactory(display_name="版主乙")
    person.user_permissions.add(Permission.objects.get(codename="moderate_community"))
    return person


@pytest.fixture
def agent():
    """A support agent: staff, but no community moderator."""
    return StaffFactory()


@pytest.fixture
def experience():
    return Board.objects.get(slug="experience")


@pytest.fixture
def rights():
    return Board.objects.get(slug="rights")
