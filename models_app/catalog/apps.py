from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "models_app.catalog"
    label = "catalog"

    def ready(self):
        from .declarations import declare
        from .models import KnownBaseModel
        from .suggestions import forget_base_model_suggestions

        declare()
        for signal in (post_save, post_delete):
            signal.connect(forget_base_model_suggestions, sender=KnownBaseModel)
