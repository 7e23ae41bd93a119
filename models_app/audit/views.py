from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from models_app.catalog.cards import detail_context
from models_app.sharing.policy import Action, get_model_for

from .models import AuditEvent

EVENTS_PER_PAGE = 25


@require_GET
def model_activity_view(request, ref):
    """The model's audit trail, newest first, for the people who manage it."""
    model = get_model_for(request, ref, Action.MANAGE_SHARING)
    events = AuditEvent.objects.filter(model_ref=model.uuid).order_by("-created_at", "-id")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = detail_context(request, model, "activity", page=page)
    return render(request, "audit/model_activity.html", context)
