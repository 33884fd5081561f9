"""An answer to staff's question sends its evidence and the answer together, or neither.

The learner page and the API take the same answer with the same files; when the answer is refused (the
question was already answered, or one of the files is refused) no attachment, file, event or notice is left.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Attachment
from complaints.states import State

from .api_helpers import PNG, action_url, files_under, logged_in
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

NOT_A_PDF = b"not a pdf at all"


def files(*, refused_file: bool) -> list[SimpleUploadedFile]:
    chosen = [SimpleUploadedFile("截图.png", PNG, content_type="image/png")]
    if refused_file:
        chosen.append(SimpleUploadedFile("收据.pdf", NOT_A_PDF, content_type="application/pdf"))
    return chosen


def answer(interface: str, complaint, client, uploads):
    if interface == "page":
        url = reverse("complaints:reply", args=[complaint.reference])
        return client.post(url, {"body": "补充截图。", "evidence": uploads})
    return client.post(
        action_url(complaint, "complainant-reply"), {"body": "补充截图。", "attachments": uploads}
    )


@pytest.mark.parametrize("interface", ["page", "api"])
@pytest.mark.parametrize(
    ("refusal", "state", "refused_file", "api_status"),
    [
        ("already answered", {"investigating": True}, False, 409),
        ("a refused file", {"awaiting_complainant": True}, True, 400),
    ],
)
def test_a_refused_answer_leaves_no_attachment_behind(
    interface, refusal, state, refused_file, api_status, snapshot, media_root
):
    complaint = ComplaintFactory(**state)
    before = snapshot(complaint)
    client = logged_in(complaint.complainant)

    response = answer(interface, complaint, client, files(refused_file=refused_file))

    assert response.status_code == (400 if interface == "page" else api_status), refusal
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []
    before.assert_unchanged()


@pytest.mark.parametrize("interface", ["page", "api"])
def test_an_accepted_answer_stores_its_evidence_with_it(interface, media_root):
    complaint = ComplaintFactory(awaiting_complainant=True)
    client = logged_in(complaint.complainant)

    response = answer(interface, complaint, client, files(refused_file=False))

    assert response.status_code == (302 if interface == "page" else 200)
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert len(files_under(media_root)) == 1
