import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


def test_bad_trusted_proxies_fail_at_start_up(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="MODELHUB_TRUSTED_PROXIES"):
        apps.get_app_config("allowlist").ready()


def test_good_trusted_proxies_start(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    apps.get_app_config("allowlist").ready()
