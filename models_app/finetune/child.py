"""The training child: `python -m models_app.finetune.child SPEC.json`. The worker starts
it, reads what it reports and kills it on cancel, so a training never runs inside the worker
itself. It reports one JSON object a line on stdout:

    {"event": "log", "message": "…"}
    {"event": "progress", "step": 3, "total": 30, "loss": 0.41}
    {"event": "metrics", "metrics": {"accuracy": 0.9}}
    {"event": "error", "message": "line 7: no \\"label\\" column"}

An admin-defined training command may print the same lines; any other line is a log line.
No Django here: the child starts in a fraction of a second and needs no database."""

import importlib
import json
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .datasets import DatasetError


def emit(event: str, **fields) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


@dataclass
class TrainingContext:
    base_dir: Path
    dataset: Path
    dataset_name: str
    output_dir: Path
    params: dict
    metrics: dict = field(default_factory=dict)

    def log(self, message: str) -> None:
        emit("log", message=message)

    def progress(self, step: int, total: int, loss: float | None = None) -> None:
        emit("progress", step=step, total=total, loss=loss)

    def report(self, **metrics) -> None:
        self.metrics.update(metrics)
        emit("metrics", metrics=metrics)


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text())
    module_name, function_name = spec["train"].split(":")
    context = TrainingContext(
        base_dir=Path(spec["base_dir"]),
        dataset=Path(spec["dataset"]),
        dataset_name=spec["dataset_name"],
        output_dir=Path(spec["output_dir"]),
        params=spec["params"],
    )
    try:
        train = getattr(importlib.import_module(module_name), function_name)
        train(context)
    except DatasetError as exc:
        emit("error", message=f"dataset {spec['dataset_name']}: {exc}")
        return 2
    except Exception as exc:
        traceback.print_exc()
        emit("error", message=f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
