from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "models_app.catalog"
    label = "catalog"
