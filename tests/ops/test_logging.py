import json
import logging
import sys

import pytest
from django.test import RequestFactory

from modelhub.logformat import JsonFormatter, logging_config


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
