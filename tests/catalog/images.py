"""Small images made in memory for avatar tests."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(fmt="PNG", size=(64, 48), name=None, colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    ext = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(name or f"avatar.{ext}", buffer.getvalue(), f"image/{ext}")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png_header(width=30_000, height=30_000, bit_depth=8) -> SimpleUploadedFile:
    """A tiny file whose header claims width × height pixels: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, "image/png")
