"""One call records an audit event: `audit_record(by, AuditAction.X, model, key=value…)`.

Services call it inside the transaction of the change it records, so a change and its record
are written together or not at all. Lower layers (catalog's writes, access's refusals) cannot
import this app; they announce through signals that `receivers.py` records the same way."""

from models_app.access.caller import as_caller

from .models import AuditAction, AuditEvent


def audit_record(by, action: AuditAction, model=None, **details) -> AuditEvent:
    """Records `action` by `by` — a Caller (its user, address and way in), a request (its
    caller) or a user — on `model` (None for none)."""
    caller = as_caller(by) if by is not None else None
    actor = caller.user if caller is not None and caller.is_signed_in else None
    if caller is not None and caller.via:
        details.setdefault("via", caller.via)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        address=str(caller.address) if caller is not None and caller.address else None,
        model=model if model is not None and model.pk else None,
        model_ref=getattr(model, "uuid", None),
        model_title=getattr(model, "title", "") or "",
        details=details,
    )
