"""The shipped systemd units (deploy/systemd/) pass `systemd-analyze verify`, installed where
the guide puts the code and the virtualenv (here: this checkout and this interpreter's)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.conftest import ROOT

from .tools import SYSTEMD_ANALYZE

pytestmark = pytest.mark.systemd

UNITS = ROOT / "deploy" / "systemd"


def _installed(unit: str, folder: Path, name: str | None = None) -> Path:
    text = (UNITS / unit).read_text(encoding="utf-8")
    for guide_path, here in (("/opt/modelhub/venv", sys.prefix), ("/opt/modelhub/src", ROOT)):
        assert guide_path in text
        text = text.replace(guide_path, str(here))
    path = folder / (name or unit)
    path.write_text(text, encoding="utf-8")
    return path


def _verify(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (the system's systemd-analyze)
        [SYSTEMD_ANALYZE, "verify", str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_web_server_unit_is_valid(tmp_path):
    result = _verify(_installed("modelhub.service", tmp_path))
    assert (result.returncode, result.stderr) == (0, "")


def test_the_unit_template_for_a_management_command_is_valid(tmp_path):
    unit = _installed("modelhub-manage@.service", tmp_path, "modelhub-manage@db_worker.service")
    result = _verify(unit)
    assert (result.returncode, result.stderr) == (0, "")


def test_the_web_server_unit_runs_gunicorn_with_the_project_config():
    text = (UNITS / "modelhub.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/modelhub/venv/bin/gunicorn -c modelhub/gunicorn.conf.py\n" in text
    assert "User=modelhub\n" in text
    assert "EnvironmentFile=/etc/modelhub/env\n" in text
