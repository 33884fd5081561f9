import datetime
import zoneinfo

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import StaffFactory

from .factories import ClientFactory, CounsellorFactory, SpecialityFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday morning in Shanghai: the counsellors of the factories work 09:00–17:00 every day.
NOW = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)


def at(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in Shanghai, ``day_offset`` days after NOW's day."""
    day = NOW.date() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def speciality(db):
    return SpecialityFactory(code="anxiety", name="焦虑情绪", name_en="Anxiety")


@pytest.fixture
def counsellor(db, speciality):
    return CounsellorFactory(specialities=[speciality])


@pytest.fixture
def client_user(db):
    return ClientFactory()


@pytest.fixture
def desk(db):
    return StaffFactory(roles=[Role.SUPERVISOR])
