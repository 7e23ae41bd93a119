import re

from .conftest import ROOT, run_manage

DEPLOY = ROOT / "docs" / "deploy.md"
READ_FROM_ENV = re.compile(r"""(?:env(?:\.\w+)?\(|environ\.get\()\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read_by(path) -> set[str]:
    return set(READ_FROM_ENV.findall(path.read_text(encoding="utf-8")))


def test_deploy_guide_names_every_variable_the_settings_and_gunicorn_read():
    names = variables_read_by(ROOT / "modelhub" / "settings.py")
    names |= variables_read_by(ROOT / "modelhub" / "gunicorn.conf.py")
    assert {"DATABASE_URL", "MODELHUB_S3_BUCKET", "MODELHUB_WEB_WORKERS"} <= names
    guide = DEPLOY.read_text(encoding="utf-8")
    assert [name for name in sorted(names) if f"`{name}`" not in guide] == []


def test_deploy_guide_installs_every_shipped_configuration_file():
    guide = DEPLOY.read_text(encoding="utf-8")
    shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "deploy").rglob("*.*"))
    assert shipped
    assert [path for path in shipped if f"/opt/modelhub/src/{path}" not in guide] == []


def test_deploy_guide_shows_what_the_gate_really_says_in_a_plain_http_trial(production_env):
    guide = DEPLOY.read_text(encoding="utf-8")
    shown = guide.split("--fail-level WARNING` then prints, and exits 0:\n\n```\n", 1)[1]
    shown = shown.split("\n```", 1)[0]
    env = {**production_env, "MODELHUB_HTTPS": "0", "MODELHUB_PLAIN_HTTP_TRIAL": "1"}
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0
    assert result.stderr.strip() == shown
