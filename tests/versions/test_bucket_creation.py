"""`check_storage --create-bucket`: the documented way to make the bucket (tested on moto)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import BUCKET


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def no_bucket(s3):
    s3.client().delete_bucket(Bucket=BUCKET)
    return s3


def test_create_bucket_creates_the_missing_bucket(no_bucket, db):
    output = run("check_storage", "--create-bucket")
    assert f"bucket {BUCKET}: created." in output
    assert BUCKET in [b["Name"] for b in no_bucket.client().list_buckets()["Buckets"]]
    assert "0 missing, 0 orphans." in output


def test_create_bucket_again_leaves_it_as_it_is(s3, db):
    s3.client().put_object(Bucket=BUCKET, Key="artifacts/kept", Body=b"x")
    output = run("check_storage", "--create-bucket")
    assert f"bucket {BUCKET}: exists already." in output
    assert s3.keys() == ["artifacts/kept"]


def test_create_bucket_puts_it_in_the_configured_region(no_bucket, db, settings):
    settings.STORAGES["default"]["OPTIONS"]["region_name"] = "eu-central-1"
    settings.STORAGES = {**settings.STORAGES}
    run("check_storage", "--create-bucket")
    location = no_bucket.client().get_bucket_location(Bucket=BUCKET)
    assert location["LocationConstraint"] == "eu-central-1"


def test_create_bucket_with_local_files_says_there_is_none(db):
    with pytest.raises(CommandError, match="local files"):
        run("check_storage", "--create-bucket")
