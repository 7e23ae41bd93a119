"""Log records as plain text lines or as one JSON object per line (MODELHUB_LOG_FORMAT).

The same configuration serves Django (settings.LOGGING) and gunicorn (gunicorn.conf.py), so
application messages, gunicorn's errors and its access log come out in one format.
"""

import json
import logging
import re
from datetime import UTC, datetime

FORMATS = ("plain", "json")

# An invitation link is a secret: whoever holds it may sign up as the invited address. Its
# token is cut out of every log line, in a path, a query (`next=%2Finvitations%2F…`), a
# referer or a message.
_INVITATION_TOKEN = re.compile(
    r"(?P<lead>/invitations/)[^/\s?#\"']+|(?P<encoded>%2Finvitations%2F)[^%&\s\"']+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with the token of every invitation link in it replaced by `…`."""
    return _INVITATION_TOKEN.sub(lambda m: (m["lead"] or m["encoded"]) + "…", text)


class RedactingFormatter(logging.Formatter):
    """The plain-text formatter, with invitation tokens cut out (see `redact`)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


# gunicorn's access-log atoms worth a field of their own (see gunicorn.glogging.Logger.atoms).
_ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "f": "referer",
    "{x-forwarded-for}i": "forwarded_for",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line, with the fields a log shipper indexes."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "access"
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = redact(request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


def _access_fields(atoms: dict) -> dict:
    fields = {}
    for atom, name in _ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value in (None, "", "-"):
            continue
        if isinstance(value, str):
            value = redact(value.replace('\\"', '"'))  # gunicorn escapes quotes for its text format
        if name == "status":
            value = int(value) if str(value).isdigit() else value
        fields[name] = value
    return fields


def logging_config(log_format: str, level: str, gunicorn: bool = False) -> dict:
    """A `logging.config.dictConfig` dictionary for `log_format` ("plain" or "json")."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {log_format!r}")
    formatter = (
        {"()": "modelhub.logformat.JsonFormatter"}
        if log_format == "json"
        else {
            "class": "modelhub.logformat.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s",
        }
    )
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": formatter,
            "access": {"class": "modelhub.logformat.RedactingFormatter", "format": "%(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "default" if log_format == "json" else "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        # axes says "running handler" at INFO on every failed sign-in; its warnings (each
        # failure, each lockout) are what an operator needs.
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # A line for every request the gateway forwards would double the access log.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
        },
    }
    if gunicorn:
        config["loggers"].update(
            {
                "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
                "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            }
        )
    return config
