from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured, ValidationError


class AllowlistConfig(AppConfig):
    name = "models_app.allowlist"
    label = "allowlist"

    def ready(self):
        from .client import trusted_proxies

        try:
            trusted_proxies()
        except ValidationError as exc:
            raise ImproperlyConfigured(
                "MODELHUB_TRUSTED_PROXIES is not a list of CIDRs: " + " ".join(exc.messages)
            ) from exc
