from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "models_app.retention"
    label = "retention"
