import pytest

from reviews.models import ReviewSchedule


@pytest.fixture
def no_standing_schedules(db):
    """Take away the schedules the migration seeds, so a test's sweep sees only its own."""
    ReviewSchedule.objects.all().delete()
