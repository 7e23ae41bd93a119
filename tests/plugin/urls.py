from django.urls import path
from django.views.decorators.http import require_safe

from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page

app_name = "notes"


@require_safe
def notes_tab_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    return model_page(request, model, "notes", "notes/tab.html")


model_urlpatterns = [path("notes/", notes_tab_view, name="tab")]
