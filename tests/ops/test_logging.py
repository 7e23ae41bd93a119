import json
import logging
import logging.config
import runpy
import sys

import pytest
from django.test import RequestFactory

from modelhub.logformat import JsonFormatter, logging_config, redact

from .conftest import ROOT


def _record(name="modelhub.test", msg="hello %s", args=("world",), **extra):
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_a_json_record_is_one_line_with_the_usual_fields():
    line = JsonFormatter().format(_record(msg="two\nlines %s"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "two\nlines world"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "modelhub.test"
    assert entry["time"].endswith("+00:00")


def test_a_json_record_carries_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record()
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]


def test_a_django_request_record_names_the_request():
    request = RequestFactory().post("/models/new/")
    entry = json.loads(JsonFormatter().format(_record(request=request, status_code=400)))
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/models/new/", 400)


def test_a_gunicorn_access_record_becomes_fields():
    atoms = {"h": "10.0.0.5", "m": "GET", "U": "/healthz", "s": "200", "B": 2, "M": 3, "a": 'x"y'}
    atoms["a"] = atoms["a"].replace('"', '\\"')  # as gunicorn's SafeAtoms hands it over
    record = _record(name="gunicorn.access", msg="%(h)s", args=(atoms,))
    entry = json.loads(JsonFormatter().format(record))
    assert entry["remote_addr"] == "10.0.0.5"
    assert entry["status"] == 200
    assert entry["duration_ms"] == 3
    assert entry["user_agent"] == 'x"y'


def test_plain_and_json_configs_choose_their_formatter():
    assert "()" in logging_config("json", "INFO")["formatters"]["default"]
    assert "format" in logging_config("plain", "INFO")["formatters"]["default"]


def test_an_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="plain, json"):
        logging_config("yaml", "INFO")


# Invitation links are secrets: their tokens never reach a log line.

TOKEN = "Zx9_secret-invitation-token-0123456789abcdefgh"
GUNICORN = runpy.run_path(str(ROOT / "modelhub" / "gunicorn.conf.py"))


def _access_record(atoms):
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, GUNICORN["access_log_format"], (atoms,), None
    )


def _access_atoms(path, query="", referer="-"):
    return {
        "h": "10.0.0.5",
        "l": "-",
        "u": "-",
        "t": "[01/Jan/2026:00:00:00 +0000]",
        "r": f"GET {path}{'?' + query if query else ''} HTTP/1.1",
        "m": "GET",
        "U": path,
        "q": query,
        "s": "200",
        "b": "12",
        "B": 12,
        "f": referer,
        "a": "curl",
        "M": 3,
    }


def _formatter(config, handler):
    """The formatter `dictConfig` would give `handler` of a logging configuration."""
    name = config["handlers"][handler]["formatter"]
    return logging.config.DictConfigurator(config).configure_formatter(config["formatters"][name])


def test_plain_gunicorn_access_line_hides_the_invitation_token():
    config = logging_config("plain", "INFO", gunicorn=True)
    record = _access_record(_access_atoms(f"/invitations/{TOKEN}/"))
    line = _formatter(config, "access").format(record)
    assert TOKEN not in line
    assert '"GET /invitations/…/ HTTP/1.1" 200' in line


def test_plain_gunicorn_access_line_hides_the_token_in_next_and_the_referer():
    config = logging_config("plain", "INFO", gunicorn=True)
    atoms = _access_atoms(
        "/accounts/login/",
        query=f"next=%2Finvitations%2F{TOKEN}%2F",
        referer=f"https://modelhub.example.com/invitations/{TOKEN}/",
    )
    line = _formatter(config, "access").format(_access_record(atoms))
    assert TOKEN not in line
    assert "next=%2Finvitations%2F…%2F" in line


def test_json_gunicorn_access_record_hides_the_invitation_token():
    config = logging_config("json", "INFO", gunicorn=True)
    atoms = _access_atoms(f"/invitations/{TOKEN}/", referer=f"/invitations/{TOKEN}/")
    line = _formatter(config, "access").format(_access_record(atoms))
    assert TOKEN not in line
    entry = json.loads(line)
    assert (entry["path"], entry["referer"]) == ("/invitations/…/", "/invitations/…/")


def test_json_django_request_record_hides_the_invitation_token_in_the_path():
    request = RequestFactory().get(f"/invitations/{TOKEN}/")
    record = _record(msg="Not Found: %s", args=(request.path,), request=request, status_code=404)
    line = JsonFormatter().format(record)
    assert TOKEN not in line
    entry = json.loads(line)
    assert (entry["path"], entry["message"]) == ("/invitations/…/", "Not Found: /invitations/…/")


def test_plain_django_record_hides_the_invitation_token():
    config = logging_config("plain", "INFO")
    record = _record(msg="Gone: %s", args=(f"/invitations/{TOKEN}/",))
    line = _formatter(config, "console").format(record)
    assert TOKEN not in line
    assert line.endswith("Gone: /invitations/…/")


def test_redaction_leaves_other_paths_alone():
    assert redact("GET /models/invitations/ HTTP/1.1") == "GET /models/invitations/ HTTP/1.1"
