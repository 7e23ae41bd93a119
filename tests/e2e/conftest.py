import pytest
from django.test import Client

from tests.versions.conftest import upload_multipart
from tests.versions.factories import VersionFactory


@pytest.fixture
def version_with_files(owner, model):
    """Version v1 of the sample model holding one small file, uploaded by its owner."""
    version = VersionFactory(model=model, number=1, name="v1")
    client = Client()
    client.force_login(owner)
    upload_multipart(client, version, {"config.json": b"{}"})
    return version
