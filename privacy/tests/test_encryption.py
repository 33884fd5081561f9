"""Sensitive fields are encrypted at rest, found by keyed blind index, and fail loudly with a wrong key."""

import datetime
import hashlib

import pytest
from django.core.exceptions import FieldError
from django.db import connection, transaction
from django.test import override_settings

from accounts.models import User
from accounts.tests.factories import LearnerFactory
from privacy import crypto
from privacy.models import IdentityDocument

pytestmark = pytest.mark.django_db

OTHER_KEY = crypto.generate_key()


def raw_row(user: User) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile, mobile_index, resident_id, resident_id_index, date_of_birth, home_address "
            "FROM accounts_user WHERE id = %s",
            [user.pk],
        )
        columns = [column.name for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def make_person(**overrides) -> User:
    values = {
        "mobile": "13912345678",
        "resident_id": "11010519491231002X",
        "date_of_birth": datetime.date(2008, 5, 17),
        "home_address": "北京市海淀区中关村大街1号",
    }
    values.update(overrides)
    return LearnerFactory(**values)


def test_ciphertext_in_the_table_differs_from_and_does_not_contain_the_plaintext():
    person = make_person()
    stored = raw_row(person)
    for column, plaintext in (
        ("mobile", "13912345678"),
        ("resident_id", "11010519491231002X"),
        ("date_of_birth", "2008-05-17"),
        ("home_address", "北京市海淀区中关村大街1号"),
    ):
        assert stored[column].startswith("enc1:test1:"), column
        assert plaintext not in stored[column]
        assert plaintext[-6:] not in stored[column]
    # and the model reads the plaintext back
    person = User.objects.get(pk=person.pk)
    assert person.mobile == "13912345678"
    assert person.resident_id == "11010519491231002X"
    assert person.date_of_birth == datetime.date(2008, 5, 17)
    assert person.home_address == "北京市海淀区中关村大街1号"


def test_the_same_value_encrypts_differently_each_time():
    first, second = make_person(), make_person()
    assert raw_row(first)["mobile"] != raw_row(second)["mobile"]


def test_empty_values_stay_empty():
    person = make_person(mobile="", resident_id="", date_of_birth=None, home_address="")
    stored = raw_row(person)
    assert stored["mobile"] == "" and stored["mobile_index"] == ""
    assert stored["date_of_birth"] is None
    person = User.objects.get(pk=person.pk)
    assert person.mobile == "" and person.date_of_birth is None


def test_lookup_by_mobile_goes_through_the_keyed_hash():
    person = make_person(mobile="13912345678")
    make_person(mobile="13800000000")
    index = User._meta.get_field("mobile_index")
    # any way of writing the number finds the person
    for written in ("13912345678", "+86 139 1234 5678", "0086-139-1234-5678"):
        assert list(User.objects.filter(mobile_index=index.index_for(written))) == [person]
    assert not User.objects.filter(mobile_index=index.index_for("13700000000")).exists()


def test_blind_index_is_keyed_and_separate_per_column():
    person = make_person(mobile="13912345678")
    stored = raw_row(person)["mobile_index"]
    assert stored != hashlib.sha256(b"13912345678").hexdigest()
    assert "13912345678" not in stored
    with override_settings(BLIND_INDEX_KEY=OTHER_KEY):
        assert User._meta.get_field("mobile_index").index_for("13912345678") != stored
    assert crypto.blind_index(purpose="accounts.user.mobile", value="x") != crypto.blind_index(
        purpose="accounts.user.resident_id", value="x"
    )


def test_resident_id_lookup_ignores_case():
    person = make_person(resident_id="11010519491231002x")
    index = User._meta.get_field("resident_id_index")
    assert list(User.objects.filter(resident_id_index=index.index_for("11010519491231002X"))) == [person]


def test_encrypted_columns_refuse_value_lookups():
    make_person()
    with pytest.raises(FieldError, match="encrypted"):
        User.objects.filter(mobile="13912345678")
    with pytest.raises(FieldError, match="encrypted"):
        User.objects.filter(home_address__icontains="北京")
    assert User.objects.filter(date_of_birth__isnull=False).count() == 1


def test_a_wrong_key_gives_a_clear_error_not_garbage():
    person = make_person()
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[f"test1:{OTHER_KEY}"]),
        pytest.raises(crypto.DecryptionError, match=r"key 'test1'.*wrong"),
    ):
        User.objects.get(pk=person.pk)


def test_a_missing_key_gives_a_clear_error():
    person = make_person()
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[f"other:{OTHER_KEY}"]),
        pytest.raises(crypto.DecryptionError, match="key 'test1', which FIELD_ENCRYPTION_KEYS does not list"),
    ):
        User.objects.get(pk=person.pk)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "FIELD_ENCRYPTION_KEYS is empty"),
        (["no-separator"], "must look like 'id:key'"),
        (["k1:not-base64!!"], "not valid URL-safe base64|must be 32 bytes"),
        (["k1:c2hvcnQ="], "must be 32 bytes"),
        ([f"k1:{OTHER_KEY}", f"k1:{OTHER_KEY}"], "twice"),
    ],
)
def test_bad_key_configuration_is_refused_with_a_clear_message(keys, message):
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=keys),
        pytest.raises(crypto.EncryptionKeyError, match=message),
        transaction.atomic(),
    ):
        make_person()
    assert not User.objects.exists()


def test_missing_blind_index_key_is_refused():
    with (
        override_settings(BLIND_INDEX_KEY=""),
        pytest.raises(crypto.EncryptionKeyError, match="BLIND_INDEX_KEY"),
        transaction.atomic(),
    ):
        make_person()
    assert not User.objects.exists()


def test_a_value_moved_to_another_column_does_not_decrypt():
    person = make_person()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET home_address = mobile WHERE id = %s", [person.pk])
    with pytest.raises(crypto.DecryptionError):
        User.objects.get(pk=person.pk)


def test_an_altered_value_does_not_decrypt():
    person = make_person()
    token = raw_row(person)["mobile"]
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET mobile = %s WHERE id = %s", [altered, person.pk])
    with pytest.raises(crypto.DecryptionError):
        User.objects.get(pk=person.pk)


def test_identity_documents_are_encrypted_bytes():
    person = make_person()
    scan = b"%PDF-1.4 scanned identity card of a learner"
    document = IdentityDocument.objects.create(
        user=person, kind=IdentityDocument.Kind.RESIDENT_ID_CARD, content=scan, content_type="application/pdf"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM privacy_identitydocument WHERE id = %s", [document.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:test1:")
    assert "scanned" not in stored
    assert IdentityDocument.objects.get(pk=document.pk).content == scan
