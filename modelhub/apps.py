from django.apps import AppConfig


class ModelHubConfig(AppConfig):
    """The project itself, as an app for what spans every app: the demo data command and the
    checks of its own settings."""

    name = "modelhub"
    label = "modelhub"

    def ready(self):
        from modelhub import checks  # noqa: F401 (registers the checks)
