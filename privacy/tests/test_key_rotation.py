"""rotate_encryption_keys moves every encrypted value to the newest key; then the old key can go."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import LearnerFactory
from privacy import crypto
from privacy.models import IdentityDocument

pytestmark = pytest.mark.django_db

OLD = f"old:{crypto.generate_key()}"
NEW = f"new:{crypto.generate_key()}"
NEW_INDEX_KEY = crypto.generate_key()


def stored_prefixes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile FROM accounts_user WHERE mobile <> '' UNION ALL "
            "SELECT home_address FROM accounts_user WHERE home_address <> '' UNION ALL "
            "SELECT date_of_birth FROM accounts_user WHERE date_of_birth <> '' UNION ALL "
            "SELECT content FROM privacy_identitydocument"
        )
        return [row[0].split(":", 2)[1] for row in cursor.fetchall()]


@pytest.fixture
def people_under_old_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        people = [
            LearnerFactory(
                mobile=f"1391234{n:04d}",
                home_address=f"上海市{n}号",
                date_of_birth=datetime.date(2000, 1, n + 1),
            )
            for n in range(5)
        ]
        IdentityDocument.objects.create(
            user=people[0], kind="passport", content=b"scan", content_type="image/png"
        )
    return people


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_encryption_keys", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_every_row_and_the_old_key_can_then_be_removed(people_under_old_key):
    assert set(stored_prefixes()) == {"old"}

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        output = rotate("--batch-size", "2")

    assert set(stored_prefixes()) == {"new"}
    assert "Older keys can now be removed" in output
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        by_pk = {
            person.pk: person for person in User.objects.filter(pk__in=[p.pk for p in people_under_old_key])
        }
        for n, person in enumerate(people_under_old_key):
            assert by_pk[person.pk].mobile == f"1391234{n:04d}"
            assert by_pk[person.pk].home_address == f"上海市{n}号"
        assert IdentityDocument.objects.get().content == b"scan"


def test_removing_the_old_key_before_rotating_fails_clearly(people_under_old_key):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(crypto.DecryptionError, match="'old'"):
        list(User.objects.filter(pk=people_under_old_key[0].pk))


def test_an_interrupted_rotation_resumes_where_it_stopped(people_under_old_key):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        output = rotate("--batch-size", "2", "--max-batches", "1")
        assert "still use an older key" in output
        assert sorted(stored_prefixes()).count("new") >= 2
        assert "old" in stored_prefixes()

        output = rotate("--batch-size", "2")
        assert set(stored_prefixes()) == {"new"}
        assert "Older keys can now be removed" in output

        # a third run finds nothing to do
        assert rotate().startswith("Rewrote 0 rows")


def test_reindex_recomputes_blind_indexes_under_a_new_index_key(people_under_old_key):
    person = people_under_old_key[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD], BLIND_INDEX_KEY=NEW_INDEX_KEY):
        rotate("--reindex")
        index = User._meta.get_field("mobile_index")
        assert list(User.objects.filter(mobile_index=index.index_for(person.mobile))) == [person]


def test_generate_encryption_key_prints_a_usable_key():
    out = StringIO()
    call_command("generate_encryption_key", "--id", "k2027", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("k2027:")
    with override_settings(FIELD_ENCRYPTION_KEYS=[line]):
        assert crypto.decrypt(crypto.encrypt(b"x", associated_data=b"a"), associated_data=b"a") == b"x"
