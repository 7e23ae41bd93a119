"""The Hugging Face–compatible read routes through Django's client: shapes, headers, errors."""

import hashlib

import pytest
from django.test import Client

from models_app.api import hub_read
from models_app.audit.models import AuditAction, AuditEvent
from models_app.versions.models import VersionFile
from models_app.versions.revisions import version_commit_id
from tests.factories import AIModelFactory

from .hub_helpers import README, add_version, bearer

pytestmark = pytest.mark.django_db

WEIGHTS = bytes(range(256)) * 40
# The token, the models, their tags.
QUERIES_PER_LIST_PAGE = 3


@pytest.fixture
def repo(model):
    add_version(model, "v1", {"README.md": README, "config.json": b"{}"})
    return add_version(
        model,
        "v2",
        {"README.md": README, "config.json": b'{"a": 1}', "weights/part/model.bin": WEIGHTS},
    )


@pytest.fixture
def api(owner):
    return Client(headers=bearer(owner))


def resolve_url(model, rev, path):
    return f"/{model.repo_id}/resolve/{rev}/{path}"


def test_model_info_has_the_newest_version_files_and_card_data(api, model, repo):
    answer = api.get(f"/api/models/{model.repo_id}").json()
    assert answer["id"] == model.repo_id
    assert answer["sha"] == version_commit_id(repo)
    assert [s["rfilename"] for s in answer["siblings"]] == [
        "README.md",
        "config.json",
        "weights/part/model.bin",
    ]
    assert answer["cardData"] == {"license": "mit", "language": ["en", "ja"]}
    assert answer["private"] is True
    assert answer["createdAt"].endswith("Z")


def test_model_info_with_blobs_gives_sizes_and_sha256(api, model, repo):
    answer = api.get(f"/api/models/{model.repo_id}/revision/v2?blobs=true").json()
    weights = answer["siblings"][-1]
    assert weights["size"] == len(WEIGHTS)
    assert weights["lfs"]["sha256"] == hashlib.sha256(WEIGHTS).hexdigest()
    old = api.get(f"/api/models/{model.repo_id}/revision/v1").json()
    assert [s["rfilename"] for s in old["siblings"]] == ["README.md", "config.json"]


def test_a_commit_id_is_a_revision(api, model, repo):
    sha = version_commit_id(repo)
    assert api.get(f"/api/models/{model.repo_id}/revision/{sha}").json()["sha"] == sha


def test_errors_carry_the_clients_error_codes(api, model, repo):
    missing = api.get("/api/models/nobody/nothing")
    assert missing.status_code == 404
    assert missing["X-Error-Code"] == "RepoNotFound"
    revision = api.get(f"/api/models/{model.repo_id}/revision/v9")
    assert (revision.status_code, revision["X-Error-Code"]) == (404, "RevisionNotFound")
    entry = api.head(resolve_url(model, "main", "nope.txt"))
    assert (entry.status_code, entry["X-Error-Code"]) == (404, "EntryNotFound")


def test_a_model_not_shared_looks_exactly_like_a_missing_one(outsider, model, repo):
    api = Client(headers=bearer(outsider))
    hidden = api.get(f"/api/models/{model.repo_id}")
    missing = api.get(f"/api/models/{model.repo_namespace}/no-such-model")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden["X-Error-Code"] == missing["X-Error-Code"] == "RepoNotFound"
    assert api.head(resolve_url(model, "main", "config.json")).status_code == 404


def test_anonymous_callers_get_401(model, repo):
    assert Client().get(f"/api/models/{model.repo_id}").status_code == 401
    assert Client().get(resolve_url(model, "main", "config.json")).status_code == 401
    assert Client().get("/api/models").status_code == 401


def test_tree_lists_one_folder_or_everything(api, model, repo):
    top = api.get(f"/api/models/{model.repo_id}/tree/main").json()
    assert [(e["type"], e["path"]) for e in top] == [
        ("directory", "weights"),
        ("file", "README.md"),
        ("file", "config.json"),
    ]
    everything = api.get(f"/api/models/{model.repo_id}/tree/v2?recursive=true").json()
    assert [e["path"] for e in everything] == [
        "weights",
        "weights/part",
        "README.md",
        "config.json",
        "weights/part/model.bin",
    ]
    inner = api.get(f"/api/models/{model.repo_id}/tree/v2/weights/part").json()
    assert inner[0]["lfs"]["oid"] == hashlib.sha256(WEIGHTS).hexdigest()
    absent = api.get(f"/api/models/{model.repo_id}/tree/v2/nowhere")
    assert absent["X-Error-Code"] == "EntryNotFound"


def test_tree_pages_link_to_the_next_with_an_absolute_url(api, model, repo, monkeypatch):
    monkeypatch.setattr(hub_read, "TREE_PAGE", 2)
    first = api.get(f"/api/models/{model.repo_id}/tree/v2?recursive=true")
    assert len(first.json()) == 2
    next_url = first["Link"].split(";")[0].strip("<>")
    assert next_url.startswith("http://testserver/api/models/")
    second = api.get(next_url)
    assert [e["path"] for e in second.json()] == ["README.md", "config.json"]


def test_resolve_head_gives_the_clients_headers_and_counts_nothing(api, model, repo):
    response = api.head(resolve_url(model, "v2", "weights/part/model.bin"))
    sha = hashlib.sha256(WEIGHTS).hexdigest()
    assert response.status_code == 200
    assert response["X-Repo-Commit"] == version_commit_id(repo)
    assert response["X-Linked-Etag"] == response["ETag"] == f'"{sha}"'
    assert response["X-Linked-Size"] == response["Content-Length"] == str(len(WEIGHTS))
    assert response["Accept-Ranges"] == "bytes"
    assert VersionFile.objects.get(path="weights/part/model.bin", version=repo).download_count == 0


def test_resolve_get_sends_the_bytes_counts_and_audits(api, model, repo):
    response = api.get(resolve_url(model, "main", "weights/part/model.bin"))
    # Reading the whole body closes the response (the test client's wrapper): it counts then.
    assert b"".join(response.streaming_content) == WEIGHTS
    file = VersionFile.objects.get(path="weights/part/model.bin", version=repo)
    assert file.download_count == 1
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOADED, model=model).count() == 1


def test_resolve_answers_a_range_with_206(api, model, repo):
    response = api.get(resolve_url(model, "v2", "weights/part/model.bin"), HTTP_RANGE="bytes=10-")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == WEIGHTS[10:]
    assert response["Content-Range"] == f"bytes 10-{len(WEIGHTS) - 1}/{len(WEIGHTS)}"


def test_a_revision_quoted_in_the_raw_path_is_read_from_it(api, model, repo):
    url = resolve_url(model, "v1", "config.json")
    response = api.head(url, REQUEST_URI=f"/{model.repo_id}/resolve/v1/config.json")
    assert response["X-Repo-Commit"] != version_commit_id(repo)
    assert response["X-Linked-Size"] == "2"


def test_a_revision_with_a_slash_arrives_quoted(api, model, repo):
    """No version name holds "/" today, so a quoted one is a revision that is not found,
    and not a folder of the revision before it."""
    raw = f"/{model.repo_id}/resolve/v2%2Fweights/part/model.bin"
    response = api.head(f"/{model.repo_id}/resolve/v2/weights/part/model.bin", REQUEST_URI=raw)
    assert response["X-Error-Code"] == "RevisionNotFound"
    absolute = f"http://testserver/{model.repo_id}/resolve/v2/weights/part/model.bin?x=1"
    found = api.head(f"/{model.repo_id}/resolve/v2/weights/part/model.bin", REQUEST_URI=absolute)
    assert found.status_code == 200


def test_outside_the_allowlist_resolve_is_refused_naming_the_address(api, model, repo):
    model.ip_allowlist = "10.0.0.0/8"
    model.save()
    response = api.get(resolve_url(model, "main", "config.json"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert "203.0.113.9" in response["X-Error-Message"]
    assert VersionFile.objects.filter(download_count__gt=0).count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD_REFUSED).count() == 1
    # Metadata is not a download: a HEAD and the model's info still answer, no byte leaves.
    head = api.head(resolve_url(model, "main", "config.json"), REMOTE_ADDR="203.0.113.9")
    assert head.status_code == 200
    assert head.content == b""
    info = api.get(f"/api/models/{model.repo_id}", REMOTE_ADDR="203.0.113.9")
    assert info.status_code == 200


def test_the_list_holds_what_the_token_may_see(owner, outsider, model, repo):
    other = AIModelFactory(owner=outsider, title="Hidden llama")
    mine = AIModelFactory(owner=owner, title="Llama helper")
    api = Client(headers=bearer(owner))
    ids = [m["id"] for m in api.get("/api/models").json()]
    assert set(ids) == {model.repo_id, mine.repo_id}
    assert other.repo_id not in ids
    found = api.get("/api/models?search=llama").json()
    assert [m["id"] for m in found] == [mine.repo_id]
    assert api.get(f"/api/models?author={owner.tenant.slug}").json()


def test_the_list_pages_with_a_cursor_link(owner, model):
    for n in range(3):
        AIModelFactory(owner=owner, title=f"paged {n}")
    api = Client(headers=bearer(owner))
    first = api.get("/api/models?limit=2&sort=createdAt")
    assert len(first.json()) == 2
    next_url = first["Link"].split(";")[0].strip("<>")
    rest = api.get(next_url)
    assert len(rest.json()) == 2
    assert "Link" not in rest
    seen = [m["id"] for m in first.json() + rest.json()]
    assert len(set(seen)) == 4


@pytest.mark.parametrize("sort", ["createdAt", "downloads", "id", "lastModified"])
@pytest.mark.parametrize("direction", ["-1", "1"])
def test_every_model_comes_once_page_after_page(owner, model, sort, direction):
    for n in range(4):
        AIModelFactory(owner=owner, title=f"paged {n}", download_count=n % 2)
    api = Client(headers=bearer(owner))
    url, seen = f"/api/models?limit=2&sort={sort}&direction={direction}", []
    while url:
        response = api.get(url)
        seen += [m["id"] for m in response.json()]
        url = response["Link"].split(";")[0].strip("<>") if "Link" in response else None
    assert len(seen) == len(set(seen)) == 5


def test_a_bad_cursor_or_limit_is_a_400(api, model):
    assert api.get("/api/models?cursor=not-a-cursor").status_code == 400
    assert api.get("/api/models?limit=many").status_code == 400


def test_a_page_of_the_list_takes_the_same_queries_however_long(
    owner, model, django_assert_num_queries
):
    api = Client(headers=bearer(owner))
    api.get("/api/models?limit=1")  # the token's first use is written once
    for n in range(5):
        AIModelFactory(owner=owner, title=f"many {n}")
    with django_assert_num_queries(QUERIES_PER_LIST_PAGE):
        assert len(api.get("/api/models?limit=1").json()) == 1
    with django_assert_num_queries(QUERIES_PER_LIST_PAGE):
        assert len(api.get("/api/models?limit=6").json()) == 6
