from django.apps import AppConfig


class VersionsConfig(AppConfig):
    name = "models_app.versions"
    label = "versions"

    def ready(self):
        from .declarations import declare

        declare()
