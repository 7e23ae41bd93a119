"""The card facts read in the list's own query (models_app/catalog/facts.py)."""

from datetime import timedelta

from django.utils import timezone

from models_app.catalog.facts import tags_from
from models_app.catalog.models import AIModel
from tests.factories import AIModelFactory, TagFactory


def facts_of(model, user=None) -> AIModel:
    return AIModel.objects.with_card_facts(user).get(pk=model.pk)


def test_a_model_without_versions_shares_or_tags(owner):
    read = facts_of(AIModelFactory(owner=owner))
    assert (read.versions_total, read.shares_total, read.latest_version_name) == (0, 0, None)
    assert tags_from(read.tag_rows) == []


def test_counts_and_the_most_recent_version(model, viewer, editor, add_version):
    first = add_version(model, name="first")
    first.created_at = timezone.now() - timedelta(days=1)
    first.save()
    add_version(model, name="second")
    read = facts_of(model)
    assert (read.versions_total, read.shares_total) == (2, 2)
    assert read.latest_version_name == "second"


def test_tags_come_back_whatever_their_characters(owner):
    names = ['say "hi"', "医療, 画像", "back\\slash", "it's"]
    model = AIModelFactory(owner=owner, tags=[TagFactory(category="other", name=n) for n in names])
    tags = tags_from(facts_of(model).tag_rows)
    assert sorted(t.name for t in tags) == sorted(names)
    assert {t.category for t in tags} == {"other"}


def test_the_role_of_the_user_asking(model, viewer, owner):
    assert facts_of(model, viewer).my_role == "viewer"
    assert facts_of(model, owner).my_role is None


def test_a_superuser_needs_no_role(model, superuser):
    assert not hasattr(facts_of(model, superuser), "my_role")
