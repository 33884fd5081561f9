"""Fixtures for complaint tests: a department with its staff, and a private media root per test."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, StaffFactory
from complaints.models import ComplaintEvent
from notifications.models import Notification

from .factories import CategoryFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes evidence into its own empty directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def department(db):
    return DepartmentFactory()


@pytest.fixture
def category(department):
    return CategoryFactory(default_department=department)


@pytest.fixture
def dept_agent(department):
    return StaffFactory(department=department, roles=[Role.AGENT])


@pytest.fixture
def dept_supervisor(department):
    return StaffFactory(department=department, roles=[Role.SUPERVISOR])


@pytest.fixture
def leader(db):
    return StaffFactory(roles=[Role.LEADERSHIP])


@pytest.fixture
def outsider_agent(db):
    """An agent of another department."""
    return StaffFactory(roles=[Role.AGENT])


class Snapshot:
    """What a refused action must leave untouched: the complaint's columns, its events, every notice."""

    def __init__(self, complaint):
        self.complaint = complaint
        self.before = self.take()

    def take(self) -> dict:
        fresh = type(self.complaint).objects.get(pk=self.complaint.pk)
        columns = {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}
        return {
            "columns": columns,
            "events": ComplaintEvent.objects.filter(complaint=self.complaint).count(),
            "notifications": Notification.objects.count(),
            "remedies": list(fresh.remedies.values_list("pk", "state")),
            "approvals": list(fresh.approvals.values_list("pk", "decision")),
            "affected": sorted(fresh.affected_learners.values_list("learner_id", flat=True)),
        }

    def assert_unchanged(self) -> None:
        assert self.take() == self.before


@pytest.fixture
def snapshot():
    return Snapshot
