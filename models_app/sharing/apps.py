from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "models_app.sharing"
    label = "sharing"
