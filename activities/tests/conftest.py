import pytest

from accounts.tests.factories import ParentFactory

from .factories import ActivityFactory


@pytest.fixture
def parent(db):
    return ParentFactory()


@pytest.fixture
def activity(db):
    return ActivityFactory()
