"""Base-model suggestions (S-3): kept per process for a few minutes, cleared on a change."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_app.catalog.models import KnownBaseModel
from models_app.catalog.suggestions import BASE_MODELS_CACHE_KEY


def datalist_names(client) -> str:
    return client.get("/models/").content.decode()


def test_a_new_base_model_is_suggested_at_once(client_for, owner):
    client = client_for(owner)
    assert 'value="Falcon-40B"' not in datalist_names(client)
    KnownBaseModel.objects.create(name="Falcon-40B")
    assert '<option value="Falcon-40B">' in datalist_names(client)


def test_a_deleted_base_model_is_no_longer_suggested(client_for, owner):
    base = KnownBaseModel.objects.create(name="Falcon-40B")
    client = client_for(owner)
    assert '<option value="Falcon-40B">' in datalist_names(client)
    base.delete()
    assert 'value="Falcon-40B"' not in datalist_names(client)


def test_the_suggestions_are_read_once_for_many_pages(client_for, owner, model):
    client = client_for(owner)
    client.get("/models/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/models/").content.decode()
    assert "pipeline-demo-0412" in html
    assert not [q for q in queries.captured_queries if "catalog_knownbasemodel" in q["sql"]]


def test_suggestions_read_before_the_change_commits_are_dropped_at_commit(
    client_for, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        KnownBaseModel.objects.create(name="Falcon-40B")
        cache.set(BASE_MODELS_CACHE_KEY, ["stale"])  # another thread refilled it meanwhile
    assert '<option value="Falcon-40B">' in datalist_names(client)
