from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinetuneConfig(AppConfig):
    name = "models_app.finetune"
    label = "finetune"
    verbose_name = _("Fine-tuning")

    def ready(self):
        from .declarations import declare

        declare()
