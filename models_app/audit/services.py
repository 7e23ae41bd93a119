"""One call records an audit event: `audit_record(request, AuditAction.X, model, key=value…)`."""

from models_app.allowlist.middleware import request_client_address

from .models import AuditAction, AuditEvent


def audit_record(request, action: AuditAction, model=None, actor=None, **details) -> AuditEvent:
    """Records `action`; `request` gives the actor and address (None for commands)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    address = request_client_address(request) if request is not None else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        address=str(address) if address else None,
        model=model if model is not None and model.pk else None,
        model_ref=getattr(model, "uuid", None),
        model_title=getattr(model, "title", "") or "",
        details=details,
    )
