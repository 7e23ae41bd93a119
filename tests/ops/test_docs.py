import re

from .conftest import ROOT

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
