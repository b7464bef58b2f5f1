"""Structured logs: one JSON object per line on stdout, for whatever collects the container's
output. Used by Django's LOGGING and by gunicorn's access and error logs (config/gunicorn.conf.py).
"""

import json
import logging
from datetime import UTC, datetime

# Gunicorn's access-log atoms worth keeping, under names a log search understands.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "f": "referer",
}
_INT_FIELDS = {"status", "bytes", "duration_ms"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message and useful context."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
            entry["message"] = f"{entry.get('method')} {entry.get('path')} {entry.get('status')}"
        else:
            entry["message"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _access_fields(atoms: dict) -> dict:
    fields = {}
    for atom, name in ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value in (None, "-", ""):
            continue
        if name in _INT_FIELDS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                continue
        fields[name] = value
    return fields


def logging_config(*, fmt: str, level: str) -> dict:
    """Return a dictConfig that sends everything to stdout as JSON ("json") or text ("text")."""
    formatter = (
        {"()": "config.logging.JsonFormatter"}
        if fmt == "json"
        else {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's own handlers would also mail admins or print to stderr; one stream is enough.
            "django": {"handlers": ["stdout"], "level": level, "propagate": False},
            "django.server": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }
