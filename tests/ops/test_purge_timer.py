"""The purge job's systemd units (deploy/systemd/) are the guide's, and run a real command."""

import configparser
import shlex
from io import StringIO

from django.core.management import call_command

from .conftest import ROOT

UNITS = ROOT / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


def test_the_guide_shows_the_unit_files_as_they_are_shipped():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in ("modelhub-purge.service", "modelhub-purge.timer"):
        assert (UNITS / name).read_text(encoding="utf-8").strip() in guide


def test_the_timer_runs_the_service_daily_and_catches_up_after_downtime():
    timer = unit("modelhub-purge.timer")
    assert timer["Timer"]["OnCalendar"] == "daily"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_service_runs_purge_deleted_as_the_service_user(db):
    service = unit("modelhub-purge.service")["Service"]
    assert (service["Type"], service["User"]) == ("oneshot", "modelhub")
    assert service["EnvironmentFile"] == "/etc/modelhub/env"
    command = shlex.split(service["ExecStart"])
    assert command[1:3] == ["manage.py", "purge_deleted"]
    out = StringIO()
    call_command(*command[2:], "--dry-run", stdout=out)
    assert "deleted objects would be purged" in out.getvalue()
