"""Audit rows for what lower layers announce: catalog's writes, access's refusals, and
sign-in lockouts (django-axes, throttled by accounts)."""

from models_app.access.caller import Caller
from models_app.accounts.signin import is_new_lockout
from models_app.allowlist.client import request_client_address
from models_app.catalog.signals import ModelChange

from .models import AuditAction
from .services import audit_record

_ACTIONS = {
    ModelChange.CREATED: AuditAction.MODEL_CREATED,
    ModelChange.EDITED: AuditAction.MODEL_EDITED,
    ModelChange.DELETED: AuditAction.MODEL_DELETED,
}


def record_model_change(sender, *, by, model, change, details, **kwargs):
    audit_record(by, _ACTIONS[change], model, **details)


def record_download_refusal(sender, *, caller, model, path, **kwargs):
    audit_record(caller, AuditAction.DOWNLOAD_REFUSED, model, path=path)


def record_sign_in_lockout(sender, *, request, username, **kwargs):
    """Receiver of axes' `user_locked_out`: a row when a lockout begins (not for each attempt
    refused during it). Nobody is signed in: the e-mail tried and the address are recorded."""
    if not is_new_lockout(request):
        return
    audit_record(
        Caller(user=None, address=request_client_address(request)),
        AuditAction.SIGN_IN_LOCKED_OUT,
        email=username or "",
        failures=request.axes_failures_since_start,
        page=request.path,
    )
