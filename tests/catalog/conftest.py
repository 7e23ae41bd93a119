"""Helpers for the list, search, filter and delete tests."""

import pytest

from models_app.versions.models import ModelVersion, VersionFile
from tests.factories import AIModelFactory, ShareFactory, TagFactory, UserFactory


@pytest.fixture
def add_version():
    """Adds a version (with files of the given storage keys) to a model."""

    def make(model, name=None, status="created", keys=()):
        number = model.versions.count() + 1
        version = ModelVersion.objects.create(
            model=model, number=number, name=name or f"v{number}", status=status
        )
        for key in keys:
            VersionFile.objects.create(
                version=version, path=key, storage_key=key, size_bytes=1, sha256="0" * 64
            )
        return version

    return make


@pytest.fixture
def many_models(owner, add_version):
    """Fifty models of the owner, each with two tags, two versions and three shares."""

    def make(count=50):
        pytorch = TagFactory(category="framework", name="PyTorch")
        nlp = TagFactory(category="task", name="text classification")
        readers = [UserFactory() for _ in range(3)]
        made = []
        for _ in range(count):
            model = AIModelFactory(owner=owner, tags=[pytorch, nlp])
            add_version(model)
            add_version(model)
            for reader in readers:
                ShareFactory(model=model, user=reader)
            made.append(model)
        return made

    return make
