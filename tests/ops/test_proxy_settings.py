"""Behind a reverse proxy: the browser's scheme, host and port, believed only from trusted
proxies; the CSRF origins and the plain-HTTP trial settings."""

import pytest
from django.test import Client

from .conftest import run_manage

HOST = "models.example.com"


@pytest.fixture
def https_site(settings):
    settings.ALLOWED_HOSTS = [HOST]
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.5/32"]


def test_the_https_redirect_keeps_the_port_the_browser_used(https_site):
    response = Client().get("/accounts/login/", HTTP_HOST=f"{HOST}:8080")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}:8080/accounts/login/"


def test_the_https_redirect_uses_the_host_and_port_a_trusted_proxy_forwards(https_site):
    response = Client(REMOTE_ADDR="10.0.0.5").get(
        "/accounts/login/", HTTP_HOST="10.0.0.11:8000", HTTP_X_FORWARDED_HOST=f"{HOST}:8443"
    )
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}:8443/accounts/login/"


def test_a_trusted_proxy_saying_https_is_believed(https_site):
    response = Client(REMOTE_ADDR="10.0.0.5").get(
        "/accounts/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200


def test_anyone_else_saying_https_is_still_redirected(https_site):
    response = Client(REMOTE_ADDR="203.0.113.9").get(
        "/accounts/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 301


def test_a_forwarded_host_from_anyone_else_is_ignored(https_site):
    response = Client(REMOTE_ADDR="203.0.113.9").get(
        "/accounts/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_HOST="evil.example:8443"
    )
    assert response["Location"] == f"https://{HOST}/accounts/login/"


def test_without_trusted_proxies_a_proxy_on_the_same_machine_is_believed(https_site, settings):
    settings.TRUSTED_PROXIES = []
    response = Client(REMOTE_ADDR="127.0.0.1").get(
        "/accounts/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200


def test_csrf_trusted_origins_come_from_the_environment(production_env):
    env = {
        **production_env,
        "MODELHUB_CSRF_TRUSTED_ORIGINS": "https://models.example.com:8443,https://*.example.org",
    }
    script = "from django.conf import settings; print(settings.CSRF_TRUSTED_ORIGINS)"
    result = run_manage(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "['https://modelhub.example.com', 'https://models.example.com:8443', "
        "'https://*.example.org']"
    )


@pytest.mark.parametrize(
    "value", ["models.example.com", "https://models.example.com/", "ftp://x.example", "https://x:y"]
)
def test_a_csrf_trusted_origin_that_is_not_an_origin_is_refused_by_name(production_env, value):
    result = run_manage({**production_env, "MODELHUB_CSRF_TRUSTED_ORIGINS": value}, "check")
    assert result.returncode != 0
    assert f"MODELHUB_CSRF_TRUSTED_ORIGINS: {value!r} is not an origin" in result.stderr


def test_the_plain_http_trial_passes_the_gate_and_says_so(production_env):
    env = {**production_env, "MODELHUB_HTTPS": "0", "MODELHUB_PLAIN_HTTP_TRIAL": "1"}
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "(modelhub.I001) MODELHUB_PLAIN_HTTP_TRIAL=1" in result.stderr
    assert result.stderr.strip().endswith("System check identified 1 issue (4 silenced).")


def test_the_trial_silences_only_the_https_warnings(production_env):
    env = {
        **production_env,
        "MODELHUB_HTTPS": "0",
        "MODELHUB_PLAIN_HTTP_TRIAL": "1",
        "DJANGO_DEBUG": "1",
    }
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_the_trial_flag_with_https_is_refused(production_env):
    result = run_manage({**production_env, "MODELHUB_PLAIN_HTTP_TRIAL": "1"}, "check")
    assert result.returncode != 0
    assert "MODELHUB_PLAIN_HTTP_TRIAL=1 is for a trial without TLS" in result.stderr
