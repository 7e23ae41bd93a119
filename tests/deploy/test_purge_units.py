"""The purge job's units (deploy/systemd/modelhub-purge.*) pass `systemd-analyze verify`,
installed where the guide puts the code and the virtualenv."""

import subprocess
import sys

import pytest

from tests.ops.conftest import ROOT

from .tools import SYSTEMD_ANALYZE

pytestmark = pytest.mark.systemd

UNITS = ROOT / "deploy" / "systemd"


def test_the_purge_timer_and_its_service_are_valid(tmp_path):
    for name in ("modelhub-purge.service", "modelhub-purge.timer"):
        text = (UNITS / name).read_text(encoding="utf-8")
        text = text.replace("/opt/modelhub/venv", sys.prefix).replace(
            "/opt/modelhub/src", str(ROOT)
        )
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 (the system's systemd-analyze)
        [SYSTEMD_ANALYZE, "verify", str(tmp_path / "modelhub-purge.timer")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert (result.returncode, result.stderr) == (0, "")
