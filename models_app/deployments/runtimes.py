"""What each runtime needs: which files of a version, which command runs it, how to tell it
answers. The supervisor calls these; the deploy form asks what is installed and what to
suggest."""

import os
import posixpath
import sys
from importlib.util import find_spec

from django.utils.translation import gettext_lazy as _

from models_app.versions.headers import UnreadableHeader, read_header

from .models import Runtime, Task

LLM_EXTRA_HINT = _(
    "The llama.cpp runtime is not installed on this hub. An operator enables it with "
    "pip install 'modelhub[llm]' (it compiles llama.cpp: a C/C++ compiler and CMake are "
    "needed, about 5 minutes on 2 cores)."
)
RUNNER_MODULES = {
    Runtime.LLAMA_CPP: "llama_cpp.server",
    Runtime.ONNXRUNTIME: "models_app.deployments.runners.onnx",
}
# A route each runner answers once its model is loaded.
HEALTH_PATHS = {Runtime.LLAMA_CPP: "/v1/models", Runtime.ONNXRUNTIME: "/health"}
SUFFIXES = {Runtime.LLAMA_CPP: ".gguf", Runtime.ONNXRUNTIME: ".onnx"}
ONNX_TASKS = (Task.FEATURE_EXTRACTION, Task.TEXT_CLASSIFICATION, Task.RAW)
TOKENIZER = "tokenizer.json"
CONFIG = "config.json"


def llama_cpp_available() -> bool:
    return all(find_spec(name) is not None for name in ("llama_cpp", "uvicorn", "sse_starlette"))


def runtime_available(runtime: str) -> bool:
    return runtime != Runtime.LLAMA_CPP or llama_cpp_available()


def files_for(paths, runtime: str) -> list[str]:
    suffix = SUFFIXES.get(runtime)
    return sorted(p for p in paths if suffix and p.lower().endswith(suffix))


def suggest_runtime(paths) -> str:
    """The runtime the version's files suggest: GGUF → llama.cpp, ONNX → ONNX Runtime,
    neither → an upstream."""
    for runtime in (Runtime.LLAMA_CPP, Runtime.ONNXRUNTIME):
        if files_for(paths, runtime):
            return runtime
    return Runtime.OPENAI


def only_file(paths, runtime: str) -> str | None:
    candidates = files_for(paths, runtime)
    return candidates[0] if len(candidates) == 1 else None


def beside(paths, model_file: str, name: str) -> str | None:
    """`name` in the model file's folder, else at the version's root, else None."""
    near = posixpath.join(posixpath.dirname(model_file), name)
    for candidate in (near, name):
        if candidate in paths:
            return candidate
    return None


def needed_files(deployment, paths) -> list[str]:
    """The files of the version a runner of `deployment` reads."""
    if deployment.runtime == Runtime.LLAMA_CPP:
        return [deployment.file_path]
    wanted = [deployment.file_path]
    # ONNX weights may live beside the graph ("external data"), named after it.
    prefix = deployment.file_path + "."
    wanted += [p for p in paths if p.startswith(prefix) and p.endswith(("data", "_data"))]
    for name in (TOKENIZER, CONFIG):
        found = beside(paths, deployment.file_path, name)
        if found:
            wanted.append(found)
    return wanted


def mean_pooling_override(path) -> list[str]:
    """llama.cpp pools nothing for a generative model, so its /v1/embeddings would answer
    one vector per token; a GGUF that declares no pooling gets mean pooling (chat is not
    affected), so embeddings come one per input as OpenAI's do."""

    def fetch(start: int, length: int) -> bytes:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read(length)

    try:
        header = read_header(str(path), fetch, os.path.getsize(path))
    except (UnreadableHeader, OSError):
        return []
    metadata = {entry.key: entry.value for entry in header.metadata}
    architecture = metadata.get("general.architecture")
    if not isinstance(architecture, str) or f"{architecture}.pooling_type" in metadata:
        return []
    return ["--kv_overrides", f"{architecture}.pooling_type=int:1"]


def runner_command(deployment, local_files: dict, port: int) -> list[str]:
    model_file = str(local_files[deployment.file_path])
    common = ["--host", "127.0.0.1", "--port", str(port)]
    if deployment.runtime == Runtime.LLAMA_CPP:
        return [
            sys.executable,
            "-m",
            RUNNER_MODULES[Runtime.LLAMA_CPP],
            "--model",
            model_file,
            *common,
            "--model_alias",
            deployment.gateway_name(),
            "--n_ctx",
            str(deployment.context_size),
            "--n_threads",
            str(deployment.threads),
            "--n_threads_batch",
            str(deployment.threads),
            "--embedding",
            "true",
            # Its default cancels a running request (a stream) when the next one arrives.
            "--interrupt_requests",
            "false",
            *mean_pooling_override(model_file),
        ]
    command = [
        sys.executable,
        "-m",
        RUNNER_MODULES[Runtime.ONNXRUNTIME],
        "--model",
        model_file,
        *common,
        "--task",
        deployment.task,
        "--name",
        deployment.gateway_name(),
        "--threads",
        str(deployment.threads),
        "--max-concurrency",
        str(deployment.max_concurrency),
        "--max-tokens",
        str(min(deployment.context_size, 512)),
    ]
    by_name = {posixpath.basename(p): local for p, local in local_files.items()}
    if TOKENIZER in by_name:
        command += ["--tokenizer", str(by_name[TOKENIZER])]
    if CONFIG in by_name:
        command += ["--config", str(by_name[CONFIG])]
    return command
