from django.core.paginator import Paginator
from django.views.decorators.http import require_safe

from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page

from .models import AuditEvent

EVENTS_PER_PAGE = 25


@require_safe
def model_activity_view(request, ref):
    """The model's audit trail, newest first, for the people who manage it."""
    model = model_by_ref(request, Action.MANAGE_SHARING, ref=ref)
    events = AuditEvent.objects.filter(model_ref=model.uuid).order_by("-created_at", "-id")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return model_page(request, model, "activity", "audit/model_activity.html", page=page)
