from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "models_app.tags"
    label = "tags"
