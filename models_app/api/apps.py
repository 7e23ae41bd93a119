from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "models_app.api"
    label = "api"

    def ready(self):
        from .declarations import declare

        declare()
