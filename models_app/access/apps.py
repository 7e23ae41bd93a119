from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "models_app.access"
    label = "access"
