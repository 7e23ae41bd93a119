"""The training recipes: what base files each accepts, its parameters (defaults, bounds) and
the function the training child runs. Pluggable: `register_recipe(Recipe(...))` from an app's
ready(); the `train` entry is a dotted path, imported only in the child process, so the web
server never loads scikit-learn or torch.

Only Django's lazy translation here (the child imports this module and never words a
label); the form words the errors."""

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Param:
    name: str
    kind: type  # int, float, str or bool
    default: object
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    help: str = ""

    def clean(self, raw) -> object:
        """The value of `raw` (a string from a form or the command line), or ValueError
        with the reason."""
        if raw is None or raw == "":
            return self.default
        if self.kind is bool:
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(gettext("expected true or false"))
        try:
            value = self.kind(raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"expected {'an integer' if self.kind is int else 'a number'}"
            ) from exc
        if self.choices and value not in self.choices:
            raise ValueError(
                gettext("expected one of %(choices)s")
                % {"choices": ", ".join(map(str, self.choices))}
            )
        if self.minimum is not None and value < self.minimum:
            raise ValueError(gettext("must be at least %(minimum)s") % {"minimum": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValueError(gettext("must be at most %(maximum)s") % {"maximum": self.maximum})
        return value


@dataclass(frozen=True)
class Recipe:
    key: str
    label: object  # a lazy translation
    description: object
    # Each pattern must match at least one file of the base version (fnmatch on the path).
    requires: tuple[str, ...]
    # Base files the child needs on disk (fnmatch); the rest of the version stays in storage.
    fetches: tuple[str, ...]
    params: tuple[Param, ...]
    train: str  # "module:function", called in the child with a TrainingContext
    dataset_formats: tuple[str, ...] = ("csv", "jsonl")
    # Files of the base version copied unchanged into the new version.
    carries: tuple[str, ...] = ()
    extra: str = ""  # the optional dependency set it needs, named in messages
    check_available: Callable[[], str] | None = field(default=None, compare=False)

    def missing_files(self, paths: list[str]) -> list[str]:
        return [p for p in self.requires if not any(_matches(path, p) for path in paths)]

    def clean_params(self, raw: dict) -> tuple[dict, dict]:
        """(values, errors) for the `raw` strings by parameter name."""
        values, errors = {}, {}
        for param in self.params:
            try:
                values[param.name] = param.clean(raw.get(param.name))
            except ValueError as exc:
                errors[param.name] = str(exc)
        return values, errors

    def unavailable(self) -> str:
        return self.check_available() if self.check_available else ""


def _matches(path: str, pattern: str) -> bool:
    return fnmatch(path, pattern) or fnmatch(path.rsplit("/", 1)[-1], pattern)


def selects(path: str, patterns: tuple[str, ...]) -> bool:
    return any(_matches(path, pattern) for pattern in patterns)


_recipes: dict[str, Recipe] = {}


def register_recipe(recipe: Recipe) -> None:
    _recipes[recipe.key] = recipe


def recipes() -> list[Recipe]:
    return list(_recipes.values())


def recipe(key: str) -> Recipe | None:
    return _recipes.get(key)


def _missing_modules(*names: str) -> list[str]:
    from importlib.util import find_spec

    return [name for name in names if find_spec(name) is None]


def _train_extra_missing() -> str:
    missing = _missing_modules("torch", "transformers", "peft")
    if missing:
        return gettext(
            "This recipe needs the optional extra “train” (pip install 'modelhub[train]') "
            "on the web server and the workers; missing: %(modules)s"
        ) % {"modules": ", ".join(missing)}
    return ""


TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "merges.txt",
    "vocab.json",
)

register_recipe(
    Recipe(
        key="text-classifier-head",
        label=_("Text classifier head"),
        description=_(
            "A logistic-regression head on a frozen ONNX sentence encoder, merged into one "
            "ONNX text-classification model. Dataset: CSV or JSONL of text,label."
        ),
        requires=("*.onnx", "tokenizer.json"),
        fetches=("*.onnx", *TOKENIZER_FILES),
        carries=TOKENIZER_FILES,
        params=(
            Param("epochs", int, 30, 1, 1000, help=_("optimizer iterations, one loss point each")),
            Param("c", float, 1.0, 1e-6, 1e6, help=_("inverse regularisation strength")),
            Param("holdout", float, 0.2, 0.0, 0.5, help=_("share of rows kept for accuracy")),
            Param("max_length", int, 128, 8, 8192, help=_("tokens per text")),
            Param("batch_size", int, 32, 1, 4096),
            Param("seed", int, 0, 0, 2**31 - 1),
        ),
        train="models_app.finetune.classifier:train",
    )
)

register_recipe(
    Recipe(
        key="lora-causal-lm",
        label=_("LoRA (causal LM)"),
        description=_(
            "LoRA adapters for a Hugging Face causal language model (transformers + peft on "
            "torch). Dataset: JSONL of prompt/completion or chat messages."
        ),
        requires=("config.json", "*.safetensors"),
        fetches=("*.json", "*.safetensors", "*.model", "*.txt", "*.jinja"),
        dataset_formats=("jsonl",),
        params=(
            Param("steps", int, 50, 1, 100000),
            Param("learning_rate", float, 2e-4, 1e-8, 1.0),
            Param("lora_r", int, 8, 1, 512),
            Param("lora_alpha", int, 16, 1, 1024),
            Param("lora_dropout", float, 0.05, 0.0, 0.9),
            Param("max_length", int, 256, 8, 32768),
            Param("batch_size", int, 4, 1, 1024),
            Param("merge", bool, False, help=_("also write the merged weights")),
            Param("seed", int, 0, 0, 2**31 - 1),
        ),
        train="models_app.finetune.lora:train",
        extra="train",
        check_available=_train_extra_missing,
    )
)

register_recipe(
    Recipe(
        key="command",
        label=_("Command (set by an administrator)"),
        description=_(
            "Runs a training command an administrator defined in the admin (LLaMA-Factory, "
            "axolotl, a site's own trainer) with the base files, the dataset, an output "
            "folder and the hyperparameters as JSON."
        ),
        requires=(),
        fetches=("*",),
        params=(
            Param("command", str, "", help=_("the name of a training command")),
            Param("hyperparameters", str, "{}", help=_("JSON object passed to the command")),
        ),
        train="",
        dataset_formats=("csv", "jsonl", "json", "txt", "parquet"),
    )
)
