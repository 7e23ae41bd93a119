"""The reverse-proxy tests: nginx with the shipped configuration in front of gunicorn."""

from .tools import pytest_collection_modifyitems, pytest_terminal_summary  # noqa: F401 (hooks)
