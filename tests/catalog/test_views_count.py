from datetime import date

from django.utils import timezone

from models_app.catalog.models import AIModel, ModelView


def views_of(model) -> int:
    return AIModel.objects.get(pk=model.pk).view_count


def test_opening_a_model_counts_a_view(client_for, owner, model):
    client_for(owner).get(model.get_absolute_url())
    assert views_of(model) == 1


def test_the_same_person_counts_once_a_day(client_for, owner, model):
    client = client_for(owner)
    for _ in range(3):
        client.get(model.get_absolute_url())
    assert views_of(model) == 1


def test_each_person_counts(client_for, owner, viewer, model):
    client_for(owner).get(model.get_absolute_url())
    client_for(viewer).get(model.get_absolute_url())
    assert views_of(model) == 2


def test_the_same_person_counts_again_the_next_day(client_for, owner, model):
    ModelView.objects.create(model=model, user=owner, day=date(2020, 1, 1))
    client_for(owner).get(model.get_absolute_url())
    assert views_of(model) == 1
    assert ModelView.objects.filter(day=timezone.localdate()).count() == 1


def test_a_refused_visit_counts_nothing(client_for, stranger, model):
    client_for(stranger).get(model.get_absolute_url())
    assert views_of(model) == 0


def test_a_head_counts_nothing(client_for, owner, model):
    response = client_for(owner).head(model.get_absolute_url())
    assert response.status_code == 200
    assert views_of(model) == 0
    assert not ModelView.objects.exists()


def test_the_card_shows_the_views(client_for, owner, viewer, model):
    client_for(viewer).get(model.get_absolute_url())
    assert "1 view" in client_for(owner).get("/models/").content.decode()


def test_a_view_does_not_change_the_last_updated_time(client_for, owner, model):
    before = AIModel.objects.get(pk=model.pk).updated_at
    client_for(owner).get(model.get_absolute_url())
    assert AIModel.objects.get(pk=model.pk).updated_at == before
