from django.apps import AppConfig


class ModelHubConfig(AppConfig):
    """The project itself, as an app for what spans every app: the demo data command."""

    name = "modelhub"
    label = "modelhub"
