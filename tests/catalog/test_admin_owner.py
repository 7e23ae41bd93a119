from types import SimpleNamespace

from django.contrib.admin import site

from models_app.catalog.models import AIModel


def test_new_owner_loses_the_share_that_ownership_replaces(rf, superuser, model, editor):
    request = rf.post("/admin/")
    request.user = superuser
    model.owner = editor
    model.save()
    form = SimpleNamespace(instance=model, changed_data=["owner"], save_m2m=lambda: None)
    site._registry[AIModel].save_related(request, form, [], change=True)
    assert not model.shares.filter(user=editor).exists()
