"""The safetensors and GGUF header readers: what they find, and that they read the header
alone, never the weights."""

import json
import struct

import pytest

from models_app.versions.headers import (
    HEADER_LIMIT,
    SHOWN_ITEMS,
    UnreadableHeader,
    read_header,
    weights_format,
)

from .weights import gguf_bytes, safetensors_bytes


class Recorder:
    """A fetch(start, length) over `data` that records what was asked, for a file that
    claims `size` bytes (more than `data`: the weights a reader must never reach)."""

    def __init__(self, data: bytes):
        self.data = data
        self.calls = []

    def __call__(self, start, length):
        self.calls.append((start, length))
        return self.data[start : start + length]

    @property
    def bytes_read(self) -> int:
        return sum(length for _start, length in self.calls)


def test_safetensors_tensors_dtypes_shapes_and_count():
    data = safetensors_bytes(
        {"embed.weight": ("BF16", (1000, 64)), "norm": ("F32", (64,))}, {"format": "pt"}
    )
    header = read_header("model.safetensors", Recorder(data), len(data))
    assert [(t.name, t.dtype, t.shape, t.parameters) for t in header.tensors] == [
        ("embed.weight", "BF16", (1000, 64), 64_000),
        ("norm", "F32", (64,), 64),
    ]
    assert header.parameters == 64_064
    assert [(m.key, m.value) for m in header.metadata] == [("format", "pt")]


def test_a_huge_safetensors_file_is_read_only_as_far_as_its_header():
    header_only = safetensors_bytes({"w": ("F16", (70_000, 8192))})[:200]
    header_length = struct.unpack("<Q", header_only[:8])[0]
    fetch = Recorder(header_only)
    size = 8 + header_length + 70_000 * 8192 * 2  # a gigabyte of weights after the header
    header = read_header("big.safetensors", fetch, size)
    assert header.parameters == 70_000 * 8192
    assert fetch.calls == [(0, 8), (8, header_length)]


def test_a_safetensors_header_longer_than_the_limit_is_refused_unread():
    fetch = Recorder(struct.pack("<Q", HEADER_LIMIT) + b"{}")
    with pytest.raises(UnreadableHeader, match="larger than 64 MiB"):
        read_header("m.safetensors", fetch, 10 * HEADER_LIMIT)
    assert fetch.bytes_read <= 1024 * 1024


def _header_of(header: dict) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
        (struct.pack("<Q", 3) + b"{x}", "not valid JSON"),
        (struct.pack("<Q", 100) + b"{}", "ends inside its header"),
        (b"\x01\x02", "ends inside its header"),
        (_header_of({"w": {"dtype": "F16", "shape": "4x4"}}), "no valid dtype and shape"),
        (_header_of({"w": {"dtype": "F16", "shape": [-1]}}), "no valid dtype and shape"),
        (_header_of({"w": [1]}), "not described by an object"),
    ],
)
def test_a_malformed_safetensors_header_says_why(data, reason):
    with pytest.raises(UnreadableHeader, match=reason):
        read_header("m.safetensors", Recorder(data), len(data))


def test_gguf_metadata_and_tensors():
    data = gguf_bytes(
        {
            "general.architecture": "llama",
            "general.name": "Tiny",
            "llama.context_length": 4096,
            "llama.rope.freq_base": 0.5,
            "tokenizer.ggml.add_bos_token": True,
            "tokenizer.ggml.tokens": [f"tok{i}" for i in range(1000)],
            "tokenizer.ggml.token_type": list(range(1000)),
        },
        {"token_embd.weight": (12, (1000, 64)), "output_norm.weight": (0, (64,))},
    )
    header = read_header("tiny-Q4_K_M.gguf", Recorder(data), len(data))
    entries = {m.key: (m.type, m.value) for m in header.metadata}
    assert entries["general.architecture"] == ("string", "llama")
    assert entries["llama.context_length"] == ("int64", "4096")
    assert entries["llama.rope.freq_base"] == ("float32", "0.5")
    assert entries["tokenizer.ggml.add_bos_token"] == ("bool", "true")
    shown = ", ".join(f"tok{i}" for i in range(SHOWN_ITEMS))
    assert entries["tokenizer.ggml.tokens"] == ("array[string]", f"[{shown}, …]")
    assert entries["tokenizer.ggml.token_type"][0] == "array[int32]"
    assert [(t.name, t.dtype, t.shape) for t in header.tensors] == [
        ("token_embd.weight", "Q4_K", (1000, 64)),
        ("output_norm.weight", "F32", (64,)),
    ]
    assert header.parameters == 64_064
    assert header.version == 3


def test_a_gguf_file_is_read_only_as_far_as_its_tensor_table():
    data = gguf_bytes({"general.name": "x"}, {"w": (1, (8192, 8192))})
    fetch = Recorder(data[:4096])
    header = read_header("m.gguf", fetch, 10 * 1024**3)
    assert header.parameters == 8192 * 8192
    assert fetch.bytes_read <= 1024 * 1024


def test_a_gguf_string_array_past_the_limit_is_refused():
    data = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k"
    data += struct.pack("<IIQ", 9, 8, 10**12)
    with pytest.raises(UnreadableHeader, match="too long"):
        read_header("m.gguf", Recorder(data), 10 * 1024**3)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GGML" + bytes(20), "does not start with"),
        (b"GGUF" + struct.pack("<I", 9) + bytes(16), "version 9"),
        (b"GGUF" + struct.pack("<IQQ", 3, 10**9, 0), "too many entries"),
        (
            b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" + b"\x63\0\0\0",
            "unknown value type 99",
        ),
    ],
)
def test_a_malformed_gguf_header_says_why(data, reason):
    with pytest.raises(UnreadableHeader, match=reason):
        read_header("m.gguf", Recorder(data), len(data) + 1000)


def test_the_format_comes_from_the_name():
    assert weights_format("unet/diffusion_pytorch_model.SafeTensors") == ".safetensors"
    assert weights_format("llama-Q4_K_M.gguf") == ".gguf"
    assert weights_format("pytorch_model.bin") is None
