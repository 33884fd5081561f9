import pytest

from .factories import editor_make


@pytest.fixture
def editor(db):
    return editor_make()
