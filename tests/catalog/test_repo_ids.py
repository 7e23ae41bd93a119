"""Repository ids `namespace/name` (issue 12 point 2, SPEC §12)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_repo_id
from models_app.catalog.models import AIModel, RepoAlias
from models_app.catalog.services import model_create, model_save
from tests.factories import AIModelFactory, TenantFactory, UserFactory


def create(owner, title, **values):
    return model_create(by=owner, owner=owner, title=title, **values)


def rename(model, title):
    return model_save(model, by=model.owner, title=title)


def lookup(user, repo_id, action=Action.VIEW):
    request = RequestFactory().get("/")
    request.user = user
    namespace, name = repo_id.split("/")
    return model_by_repo_id(request, action, namespace=namespace, name=name)


def test_the_namespace_is_the_owners_tenant_slug(owner):
    assert create(owner, "Llama 3 Fine-tune").repo_id == "acme/llama-3-fine-tune"


def test_without_a_tenant_the_namespace_is_the_owners_handle(db):
    loner = UserFactory(email="Jane.Doe@example.test", tenant=None)
    assert loner.handle == "janedoe"
    assert create(loner, "Whisper small").repo_id == "janedoe/whisper-small"


def test_the_name_transliterates_accents_and_drops_what_is_not_allowed(owner):
    model = create(owner, "Café ‘Crème’ (v2.1) — ümlaut_test!")
    assert model.repo_name == "cafe-creme-v21-umlaut_test"
    assert re.fullmatch(r"[a-z0-9_-]+", model.repo_name)


def test_a_title_with_nothing_left_gets_model_and_a_short_id(owner):
    model = create(owner, "日本語モデル")
    assert re.fullmatch(r"model-[0-9a-f]{8}", model.repo_name)


def test_a_long_title_is_cut_to_96_characters(owner):
    model = create(owner, "a" * 150)
    assert model.repo_name == "a" * 96


def test_a_clash_in_the_namespace_is_numbered_across_owners(owner, stranger):
    first = create(owner, "Llama")
    second = create(stranger, "llama!")
    third = create(owner, "Llama?")
    assert [first.repo_name, second.repo_name, third.repo_name] == ["llama", "llama-2", "llama-3"]


def test_the_same_name_in_another_namespace_is_free(owner, outsider):
    assert create(owner, "Llama").repo_id == "acme/llama"
    assert create(outsider, "Llama").repo_id == "globex/llama"


def test_a_numbered_long_name_stays_within_96_characters(owner, stranger):
    create(owner, "b" * 120)
    assert create(stranger, "b" * 120).repo_name == "b" * 94 + "-2"


def test_a_rename_moves_the_id_and_the_old_one_still_resolves(owner):
    model = create(owner, "Llama")
    rename(model, "Mistral tuned")
    model.refresh_from_db()
    assert model.repo_id == "acme/mistral-tuned"
    assert lookup(owner, "acme/llama") == model
    assert lookup(owner, "acme/mistral-tuned") == model


def test_a_rename_with_the_same_slug_keeps_the_id(owner):
    model = create(owner, "Llama")
    rename(model, "LLaMA")
    model.refresh_from_db()
    assert model.repo_id == "acme/llama"
    assert not RepoAlias.objects.exists()


def test_every_former_id_resolves_and_a_rename_back_takes_it_again(owner):
    model = create(owner, "one")
    rename(model, "two")
    rename(model, "three")
    assert {lookup(owner, f"acme/{name}") for name in ("one", "two", "three")} == {model}
    rename(model, "one")
    model.refresh_from_db()
    assert model.repo_id == "acme/one"
    assert sorted(RepoAlias.objects.values_list("name", flat=True)) == ["three", "two"]


def test_a_former_id_is_not_given_to_another_model(owner, stranger):
    model = create(owner, "Llama")
    rename(model, "Renamed")
    newcomer = create(stranger, "Llama")
    assert newcomer.repo_name == "llama-2"
    assert lookup(owner, "acme/llama") == model


def test_an_owner_change_keeps_the_id(owner, outsider):
    model = create(owner, "Llama")
    model.owner = outsider
    model_save(model, by=owner)
    model.refresh_from_db()
    assert model.owner == outsider
    assert model.repo_id == "acme/llama"
    assert lookup(outsider, "acme/llama") == model


def test_lookup_ignores_case(owner):
    model = create(owner, "Llama")
    assert lookup(owner, "Acme/LLAMA") == model


def test_lookup_of_a_hidden_model_is_404_exactly_like_a_missing_one(model, outsider, stranger):
    for user in (outsider, stranger):
        with pytest.raises(Http404) as hidden:
            lookup(user, model.repo_id)
        with pytest.raises(Http404) as missing:
            lookup(user, "acme/no-such-model")
        assert str(hidden.value) == str(missing.value)


def test_lookup_of_a_hidden_models_former_id_is_404(model, outsider):
    rename(model, "renamed")
    with pytest.raises(Http404):
        lookup(outsider, "acme/pipeline-demo-0412")


def test_lookup_checks_the_action(model, viewer):
    assert lookup(viewer, model.repo_id) == model
    with pytest.raises(PermissionDenied):
        lookup(viewer, model.repo_id, Action.EDIT)


def test_tenant_slugs_are_unique_and_numbered(db):
    assert TenantFactory(name="Data Science").slug == "data-science"
    assert TenantFactory(name="Data science!").slug == "data-science-2"
    assert re.fullmatch(r"tenant-[0-9a-f]{8}", TenantFactory(name="研究所").slug)


def test_handles_are_unique_and_numbered(db):
    assert UserFactory(email="sam@one.test").handle == "sam"
    assert UserFactory(email="sam@two.test").handle == "sam-2"


def test_the_detail_page_shows_the_id_with_a_copy_button_to_every_reader(
    client_for, owner, viewer, model
):
    for user in (owner, viewer):
        html = client_for(user).get(model.get_absolute_url()).content.decode()
        assert (
            '<code id="repo-id" data-testid="repo-id" aria-labelledby="repo-id-label">'
            "acme/pipeline-demo-0412</code>"
        ) in html
        assert 'data-copy="repo-id"' in html
        assert "Repository id" in html


def test_the_list_cards_do_not_show_the_id(client_for, owner, model):
    html = client_for(owner).get("/models/").content.decode()
    assert 'data-testid="repo-id"' not in html


def test_every_model_has_a_distinct_id(owner, stranger, admin_member):
    for user in (owner, stranger, admin_member):
        AIModelFactory(owner=user, title="same")
    ids = list(AIModel.objects.values_list("repo_namespace", "repo_name"))
    assert len(set(ids)) == len(ids) == 4


def test_the_admin_shows_the_id_and_a_new_models_id_is_set(client_for, superuser, model, acme):
    html = client_for(superuser).get(f"/admin/catalog/aimodel/{model.pk}/change/").content
    assert b"pipeline-demo-0412" in html
    assert b"acme" in html


def test_a_tenant_made_in_the_admin_gets_its_slug(client_for, superuser):
    response = client_for(superuser).post(
        "/admin/accounts/tenant/add/",
        {
            "name": "Zeta Labs",
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode())
    assert TenantFactory._meta.model.objects.get(name="Zeta Labs").slug == "zeta-labs"
