from django.apps import AppConfig


class AllowlistConfig(AppConfig):
    name = "models_app.allowlist"
    label = "allowlist"
