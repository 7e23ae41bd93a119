"""Small real weight files for tests: safetensors and GGUF written byte by byte as their
formats say, with zeroed tensor data."""

import json
import math
import struct


def safetensors_bytes(tensors: dict[str, tuple[str, tuple[int, ...]]], metadata=None) -> bytes:
    """A safetensors file of `tensors` ({name: (dtype, shape)}), each zero-filled."""
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1}
    header, offset = {}, 0
    for name, (dtype, shape) in tensors.items():
        length = math.prod(shape) * sizes[dtype]
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [offset, offset + length],
        }
        offset += length
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(offset)


def _gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf_value(value) -> bytes:
    if isinstance(value, bool):
        return struct.pack("<I?", 7, value)
    if isinstance(value, int):
        return struct.pack("<Iq", 11, value)
    if isinstance(value, float):
        return struct.pack("<If", 6, value)
    if isinstance(value, str):
        return struct.pack("<I", 8) + _gguf_string(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return struct.pack("<IIQ", 9, 8, len(value)) + b"".join(_gguf_string(v) for v in value)
    if isinstance(value, list):
        return struct.pack("<IIQ", 9, 5, len(value)) + struct.pack(f"<{len(value)}i", *value)
    raise TypeError(value)


def gguf_bytes(metadata: dict, tensors: dict[str, tuple[int, tuple[int, ...]]]) -> bytes:
    """A GGUF v3 file with `metadata` and `tensors` ({name: (ggml type, shape outermost
    first)}); the data section is a few zero bytes (a header reader never reaches it)."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, value in metadata.items():
        out += _gguf_string(key) + _gguf_value(value)
    offset = 0
    for name, (kind, shape) in tensors.items():
        dims = shape[::-1]
        out += _gguf_string(name) + struct.pack(f"<I{len(dims)}QIQ", len(dims), *dims, kind, offset)
        offset += 32
    out += bytes(-len(out) % 32)
    return out + bytes(offset)
