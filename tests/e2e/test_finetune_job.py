"""A fine-tune job started from the model page: its page shows the progress bar moving and
the loss chart growing while the worker trains, then the new version (issue 14)."""

import sys
import textwrap

import pytest
from playwright.sync_api import expect

from models_app.finetune.models import TrainingCommand
from tests.finetune.conftest import (  # noqa: F401  (fixtures)
    encoder_version,
    run_db_worker,
    worker_thread,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STEADY_TRAINER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    for step in range(1, 41):
        print(json.dumps({"event": "progress", "step": step, "total": 40, "loss": 2 / step}))
        sys.stdout.flush()
        time.sleep(0.15)
    Path(sys.argv[3], "weights.bin").write_bytes(b"trained")
    """
)


@pytest.fixture
def steady_command(tmp_path):
    script = tmp_path / "steady_trainer.py"
    script.write_text(STEADY_TRAINER)
    return TrainingCommand.objects.create(name="steady", command=f"{sys.executable} {script}")


def test_the_job_page_shows_the_progress_bar_moving_and_the_loss_chart(
    page,
    sign_in,
    owner,
    model,
    encoder_version,  # noqa: F811
    steady_command,
    run_db_worker,  # noqa: F811
    worker_thread,  # noqa: F811
):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/")
    page.get_by_role("link", name="Fine-tune").first.click()
    page.select_option("select[name=recipe]", "command")
    page.fill("fieldset[data-recipe=command] input[name=param_command]", "steady")
    page.fill("input[name=dataset_path]", "datasets/train.csv")
    page.fill("input[name=output_version]", "browser-1")
    page.get_by_role("button", name="Start fine-tune").click()

    state = page.get_by_test_id("job-state")
    expect(state).to_have_text("queued")
    worker_thread(run_db_worker)
    expect(state).to_have_text("running", timeout=20_000)
    progress = page.get_by_test_id("job-progress")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=job-progress]').value) >= 3",
        timeout=20_000,
    )
    seen = int(progress.get_attribute("value"))
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-testid=job-progress]').value) > {seen}",
        timeout=20_000,
    )
    chart = page.get_by_test_id("loss-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline")).to_have_count(1)
    expect(page.get_by_test_id("job-eta")).to_be_visible()

    expect(state).to_have_text("succeeded", timeout=30_000)
    page.get_by_role("link", name="Open version browser-1").click()
    expect(page.get_by_test_id("lineage")).to_contain_text("datasets/train.csv")
    expect(page.get_by_test_id("file-row").filter(has_text="weights.bin")).to_have_count(1)
