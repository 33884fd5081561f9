"""Every notice kind the complaint workflow writes has texts of its own in the notifications app."""

from complaints.services.notices import NoticeKind
from notifications.messages import NOTICE_TEXTS


def test_every_kind_complaints_write_has_its_own_texts():
    assert {str(kind) for kind in NoticeKind} == set(NOTICE_TEXTS)
