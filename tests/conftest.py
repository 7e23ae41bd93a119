"""The cast every test can use, storage isolation, and the browser for e2e tests."""

import os
import tempfile

import pytest
from django.test import Client

from models_app.sharing.models import Role

from .e2e.browser import (  # noqa: F401  (fixtures and hooks of the browser plugin)
    browser,
    page,
    pytest_collection_modifyitems,
    pytest_runtest_makereport,
    pytest_terminal_summary,
    sign_in,
)
from .factories import PASSWORD, AIModelFactory, ShareFactory, TenantFactory, UserFactory


def pytest_configure(config):
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get(
        "NAME"
    ):
        # A file in memory rather than SQLite's shared-cache memory database: threads (a
        # task worker beside the test) then get their own connections with real locking
        # and busy waits, as on a server, instead of "database table is locked".
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        database["TEST"]["NAME"] = os.path.join(folder, f"modelhub-test-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Every test writes local files to its own folder (fine-tune workers' too: their
    training slots are file locks there)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FINETUNE_WORK_DIR = str(tmp_path / "finetune")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with nothing cached (the base-model suggestions are) and no rate
    limit used (the "limits" cache)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def acme(db):
    return TenantFactory(name="Acme")


@pytest.fixture
def globex(db):
    return TenantFactory(name="Globex")


@pytest.fixture
def owner(acme):
    return UserFactory(email="owner@acme.test", tenant=acme, display_name="Olivia Owner")


@pytest.fixture
def model(owner):
    return AIModelFactory(owner=owner, title="pipeline-demo-0412")


@pytest.fixture
def admin_member(model, acme):
    user = UserFactory(email="admin@acme.test", tenant=acme)
    ShareFactory(model=model, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def editor(model, acme):
    user = UserFactory(email="editor@acme.test", tenant=acme)
    ShareFactory(model=model, user=user, role=Role.EDITOR)
    return user


@pytest.fixture
def viewer(model, acme):
    user = UserFactory(email="viewer@acme.test", tenant=acme)
    ShareFactory(model=model, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def stranger(acme):
    """Same tenant as the owner, no share."""
    return UserFactory(email="stranger@acme.test", tenant=acme)


@pytest.fixture
def outsider(globex):
    """Another tenant, no share."""
    return UserFactory(email="outsider@globex.test", tenant=globex)


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@acme.test", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for(db):
    """A signed-in test client for a user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def delete_at_once(settings):
    """MODELHUB_DELETED_RETENTION_DAYS=0: a delete removes its objects once it commits."""
    settings.DELETED_RETENTION_DAYS = 0
