"""Audit rows for what lower layers announce: catalog's writes and access's refusals."""

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
