"""What import-linter cannot see: an app reaching up to another by string (`make lint` runs
the import contracts in pyproject.toml)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "models_app"


def test_no_app_looks_up_another_apps_model_by_name():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"apps\.get_model\(|get_model\(\s*[\"']", line)
    ]
    assert not found, "look the model up through a seam instead:\n" + "\n".join(found)
