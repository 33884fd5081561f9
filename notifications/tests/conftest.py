import pytest

from notifications import sms


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Each test starts with an empty in-memory SMS gateway that accepts every message."""
    sms.outbox.clear()
    sms.LocmemSmsBackend.fail_next = 0
    yield
    sms.outbox.clear()
    sms.LocmemSmsBackend.fail_next = 0
