"""The headers of weight files, read without reading the weights: safetensors (an 8-byte
length, then a JSON header) and GGUF (metadata keys and values, then the tensor table).

Both are read through a `SequentialReader`, which fetches bounded windows of a stored object
(a Range read on S3) as the parser asks for bytes and can skip what it does not keep (a
tokenizer's vocabulary), so a header is never more than HEADER_LIMIT bytes of reading,
whatever the file's size. Anything malformed raises UnreadableHeader with the reason.
"""

import json
import math
import struct
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The most bytes a header may span: more is no header we read (safetensors' own reader
# refuses 100 MB; real headers are kilobytes, a GGUF with a large vocabulary some MiB).
HEADER_LIMIT = 64 * 1024 * 1024
WINDOW = 1024 * 1024
MAX_TENSORS = 1_000_000
MAX_DIMENSIONS = 8
# What a preview keeps of a long GGUF value: a vocabulary is 100 000 strings.
SHOWN_ITEMS = 8
SHOWN_CHARS = 300
# A vocabulary or merge list has some 100 000s of entries; a header is read in seconds at most.
MAX_ARRAY_ITEMS = 2_000_000


class UnreadableHeader(ValueError):
    """The file is not a readable safetensors or GGUF file; the message says why."""


@dataclass
class Tensor:
    name: str
    dtype: str
    shape: tuple[int, ...]

    @property
    def parameters(self) -> int:
        return math.prod(self.shape)


@dataclass
class MetadataEntry:
    key: str
    type: str
    value: str


@dataclass
class WeightsHeader:
    """What a weight file's header says: its tensors, and its metadata as shown to people."""

    format: str
    tensors: list[Tensor]
    metadata: list[MetadataEntry] = field(default_factory=list)
    version: int | None = None

    @property
    def parameters(self) -> int:
        return sum(tensor.parameters for tensor in self.tensors)


class SequentialReader:
    """Reads a stored object from the start, in windows fetched when needed; at most
    `limit` bytes in all."""

    def __init__(self, fetch, size: int, *, window: int = WINDOW, limit: int = HEADER_LIMIT):
        # fetch(start, length) -> bytes. `window`: the least fetched at once (0: exactly what
        # is asked, for a format that says how long its header is).
        self._fetch = fetch
        self._window = window
        self._size = size
        self._limit = min(limit, size)
        self._buffer = b""
        self._buffer_start = 0
        self.position = 0

    def _refuse_past_limit(self, end: int):
        if end > self._size:
            raise UnreadableHeader(_("the file ends inside its header"))
        if end > self._limit:
            raise UnreadableHeader(
                _("the header is larger than %(limit)d MiB") % {"limit": HEADER_LIMIT >> 20}
            )

    def read(self, count: int) -> bytes:
        end = self.position + count
        self._refuse_past_limit(end)
        buffer_end = self._buffer_start + len(self._buffer)
        if not (self._buffer_start <= self.position and end <= buffer_end):
            start = self.position
            length = min(max(count, self._window), self._limit - start)
            self._buffer = self._fetch(start, length)
            self._buffer_start = start
            if len(self._buffer) < count:
                raise UnreadableHeader(_("the file ends inside its header"))
        offset = self.position - self._buffer_start
        self.position = end
        return self._buffer[offset : offset + count]

    def skip(self, count: int) -> None:
        end = self.position + count
        self._refuse_past_limit(end)
        self.position = end


# safetensors ----------------------------------------------------------------------------


def read_safetensors(reader: SequentialReader) -> WeightsHeader:
    (length,) = struct.unpack("<Q", reader.read(8))
    if length > HEADER_LIMIT - 8:
        raise UnreadableHeader(
            _("the header is larger than %(limit)d MiB") % {"limit": HEADER_LIMIT >> 20}
        )
    raw = reader.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UnreadableHeader(_("the header is not valid JSON")) from exc
    if not isinstance(header, dict):
        raise UnreadableHeader(_("the header is not a JSON object"))
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise UnreadableHeader(_("the header's __metadata__ is not an object"))
    tensors = [_safetensors_tensor(name, entry) for name, entry in header.items()]
    shown = [
        MetadataEntry(key=str(key), type="str", value=_shorten(str(value)))
        for key, value in sorted(metadata.items())
    ]
    return WeightsHeader(format="safetensors", tensors=tensors, metadata=shown)


def _safetensors_tensor(name: str, entry) -> Tensor:
    if not isinstance(entry, dict):
        raise UnreadableHeader(
            _("tensor “%(name)s” is not described by an object") % {"name": name}
        )
    dtype, shape = entry.get("dtype"), entry.get("shape")
    if (
        not isinstance(dtype, str)
        or not isinstance(shape, list)
        or len(shape) > MAX_DIMENSIONS
        or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
    ):
        raise UnreadableHeader(_("tensor “%(name)s” has no valid dtype and shape") % {"name": name})
    return Tensor(name=name, dtype=dtype, shape=tuple(shape))


# GGUF -----------------------------------------------------------------------------------

GGUF_MAGIC = b"GGUF"

# ggml's tensor types (ggml.h, enum ggml_type); numbers missing here were removed from ggml.
GGML_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    6: "Q5_0",
    7: "Q5_1",
    8: "Q8_0",
    9: "Q8_1",
    10: "Q2_K",
    11: "Q3_K",
    12: "Q4_K",
    13: "Q5_K",
    14: "Q6_K",
    15: "Q8_K",
    16: "IQ2_XXS",
    17: "IQ2_XS",
    18: "IQ3_XXS",
    19: "IQ1_S",
    20: "IQ4_NL",
    21: "IQ3_S",
    22: "IQ2_S",
    23: "IQ4_XS",
    24: "I8",
    25: "I16",
    26: "I32",
    27: "I64",
    28: "F64",
    29: "IQ1_M",
    30: "BF16",
    34: "TQ1_0",
    35: "TQ2_0",
    39: "MXFP4",
}

# GGUF value types: (name, struct format) of the fixed-size ones; 8 is a string, 9 an array.
_FIXED = {
    0: ("uint8", "B"),
    1: ("int8", "b"),
    2: ("uint16", "H"),
    3: ("int16", "h"),
    4: ("uint32", "I"),
    5: ("int32", "i"),
    6: ("float32", "f"),
    7: ("bool", "?"),
    10: ("uint64", "Q"),
    11: ("int64", "q"),
    12: ("float64", "d"),
}
_STRING, _ARRAY = 8, 9


class _GGUFParser:
    def __init__(self, reader: SequentialReader):
        self.reader = reader
        self.order = "<"
        self.count_format = "Q"

    def unpack(self, fmt: str):
        size = struct.calcsize(self.order + fmt)
        return struct.unpack(self.order + fmt, self.reader.read(size))[0]

    def count(self) -> int:
        return self.unpack(self.count_format)

    def string(self, keep: bool = True) -> str:
        length = self.count()
        if not keep:
            self.reader.skip(length)
            return ""
        if length > SHOWN_CHARS * 4:
            text = self.reader.read(SHOWN_CHARS * 4).decode("utf-8", errors="replace")
            self.reader.skip(length - SHOWN_CHARS * 4)
            return text[:SHOWN_CHARS] + "…"
        return self.reader.read(length).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        # A vocabulary is some 100 000 strings: this loop is the header's longest.
        length_of = struct.Struct(self.order + self.count_format)
        read, skip, size = self.reader.read, self.reader.skip, length_of.size
        for _index in range(count):
            skip(length_of.unpack(read(size))[0])

    def value(self, kind: int, keep: bool = True) -> str:
        if kind in _FIXED:
            value = self.unpack(_FIXED[kind][1])
            return str(value).lower() if kind == 7 else str(value)
        if kind == _STRING:
            return self.string(keep)
        if kind == _ARRAY:
            return self.array(self.unpack("I"), keep)
        raise UnreadableHeader(_("unknown value type %(type)d") % {"type": kind})

    def array(self, kind: int, keep: bool) -> str:
        """An array of `kind` items: its first SHOWN_ITEMS as text, the rest skipped."""
        length = self.count()
        if length > MAX_ARRAY_ITEMS:
            raise UnreadableHeader(_("an array of the header is too long"))
        shown_count = min(length, SHOWN_ITEMS) if keep else 0
        shown = [self.value(kind) for _index in range(shown_count)]
        rest = length - shown_count
        if kind in _FIXED:
            self.reader.skip(rest * struct.calcsize(self.order + _FIXED[kind][1]))
        elif kind == _STRING:
            self.skip_strings(rest)
        else:
            for _index in range(rest):
                self.value(kind, keep=False)
        if not keep:
            return ""
        more = ", …" if length > SHOWN_ITEMS else ""
        return _shorten(f"[{', '.join(shown)}{more}]")

    def type_name(self, kind: int) -> str:
        if kind == _STRING:
            return "string"
        return _FIXED[kind][0] if kind in _FIXED else f"type {kind}"

    def metadata_entry(self) -> MetadataEntry:
        key = self.string()
        kind = self.unpack("I")
        if kind != _ARRAY:
            return MetadataEntry(key=key, type=self.type_name(kind), value=self.value(kind))
        item_kind = self.unpack("I")
        return MetadataEntry(
            key=key, type=f"array[{self.type_name(item_kind)}]", value=self.array(item_kind, True)
        )

    def tensor(self) -> Tensor:
        name = self.string()
        dimensions = self.unpack("I")
        if dimensions > MAX_DIMENSIONS:
            raise UnreadableHeader(
                _("tensor “%(name)s” has %(count)d dimensions")
                % {"name": name, "count": dimensions}
            )
        shape = tuple(self.count() for _d in range(dimensions))
        kind = self.unpack("I")
        self.unpack("Q")  # the tensor's offset in the data section
        # GGUF lists dimensions innermost first; shown outermost first, as safetensors does.
        return Tensor(name=name, dtype=GGML_TYPES.get(kind, f"type {kind}"), shape=shape[::-1])


def read_gguf(reader: SequentialReader) -> WeightsHeader:
    parser = _GGUFParser(reader)
    if reader.read(4) != GGUF_MAGIC:
        raise UnreadableHeader(_("the file does not start with “GGUF”"))
    raw_version = reader.read(4)
    version = struct.unpack("<I", raw_version)[0]
    if version & 0xFFFF == 0:  # written big-endian
        parser.order = ">"
        version = struct.unpack(">I", raw_version)[0]
    if version not in (1, 2, 3):
        raise UnreadableHeader(_("GGUF version %(version)d is not known") % {"version": version})
    if version == 1:
        parser.count_format = "I"
    tensor_count, kv_count = parser.count(), parser.count()
    if tensor_count > MAX_TENSORS or kv_count > MAX_TENSORS:
        raise UnreadableHeader(_("the header declares too many entries"))
    metadata = [parser.metadata_entry() for _index in range(kv_count)]
    tensors = [parser.tensor() for _index in range(tensor_count)]
    return WeightsHeader(format="GGUF", tensors=tensors, metadata=metadata, version=version)


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


# Which reader a file needs ----------------------------------------------------------------

# suffix: (reader, window). safetensors says its header's length in its first 8 bytes, so
# exactly those and the header are read; a GGUF header is read on in windows until it ends.
READERS = {".safetensors": (read_safetensors, 0), ".gguf": (read_gguf, WINDOW)}


def weights_format(path: str) -> str | None:
    """The header format a file's name says it has: `.safetensors`, `.gguf`, or None."""
    lowered = path.lower()
    return next((suffix for suffix in READERS if lowered.endswith(suffix)), None)


def read_header(path: str, fetch, size: int) -> WeightsHeader:
    """The header of the weight file at `path` (by its suffix), its bytes got through
    `fetch(start, length)`."""
    suffix = weights_format(path)
    if suffix is None:
        raise UnreadableHeader(_("not a safetensors or GGUF file"))
    reader, window = READERS[suffix]
    return reader(SequentialReader(fetch, size, window=window))
