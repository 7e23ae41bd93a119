from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "models_app.audit"
    label = "audit"
