"""modelhub/gunicorn.conf.py reads its tuning from the environment."""

import runpy

from .conftest import ROOT

CONFIG = str(ROOT / "modelhub" / "gunicorn.conf.py")


def test_gunicorn_config_reads_workers_and_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("MODELHUB_WEB_WORKERS", "3")
    monkeypatch.setenv("MODELHUB_WEB_THREADS", "16")
    config = runpy.run_path(CONFIG)
    assert (config["workers"], config["threads"]) == (3, 16)
    assert config["worker_class"] == "gthread"
    assert config["accesslog"] == "-"


def test_gunicorn_trusts_forwarded_headers_from_the_trusted_proxies_only(monkeypatch):
    monkeypatch.setenv("MODELHUB_TRUSTED_PROXIES", "10.0.0.7/24, 2001:db8::1")
    config = runpy.run_path(CONFIG)
    assert config["forwarded_allow_ips"] == "10.0.0.0/24,2001:db8::1/128"


def test_gunicorn_trusts_the_local_host_when_no_proxy_is_named(monkeypatch):
    monkeypatch.delenv("MODELHUB_TRUSTED_PROXIES", raising=False)
    config = runpy.run_path(CONFIG)
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
