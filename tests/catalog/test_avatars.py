import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from models_app.catalog.avatars import process_avatar

from .images import huge_png_header, image_upload


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_accepted_format_becomes_a_square_webp_thumbnail(fmt, settings):
    result = process_avatar(image_upload(fmt, size=(640, 400)))
    image = Image.open(io.BytesIO(result.read()))
    assert image.format == "WEBP"
    assert image.size == (settings.AVATAR_THUMBNAIL_SIZE, settings.AVATAR_THUMBNAIL_SIZE)


def test_metadata_is_stripped():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    Image.new("RGB", (50, 50)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("a.jpg", buffer.getvalue(), "image/jpeg")
    assert b"secret description" not in process_avatar(upload).read()


def test_text_file_named_png_is_refused():
    upload = SimpleUploadedFile("fake.png", b"just some text, not an image", "image/png")
    with pytest.raises(ValidationError, match="not a PNG"):
        process_avatar(upload)


def test_decompression_bomb_is_refused_from_its_header():
    with pytest.raises(ValidationError, match="megapixels"):
        process_avatar(huge_png_header())


def test_image_over_the_pixel_cap_is_refused(settings):
    settings.MAX_AVATAR_SIDE = 100
    with pytest.raises(ValidationError, match="101 × 100"):
        process_avatar(image_upload(size=(101, 100)))


def test_file_over_the_byte_cap_is_refused(settings):
    settings.MAX_AVATAR_BYTES = 1000
    with pytest.raises(ValidationError, match="limit"):
        process_avatar(image_upload(size=(400, 400)))


def test_other_image_formats_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    with pytest.raises(ValidationError, match="not a PNG"):
        process_avatar(SimpleUploadedFile("a.bmp", buffer.getvalue(), "image/bmp"))


def test_truncated_image_is_refused():
    data = image_upload(size=(300, 300)).read()
    with pytest.raises(ValidationError):
        process_avatar(SimpleUploadedFile("cut.png", data[: len(data) // 2], "image/png"))


def test_an_image_over_4096_pixels_a_side_is_refused_before_decoding():
    # 40 megapixels of 16-bit colour: decoding it took 310 MB and 2.4 s. The file holds no
    # pixel data, so only a refusal from the header can name its size.
    with pytest.raises(ValidationError) as refused:
        process_avatar(huge_png_header(width=5000, height=8000, bit_depth=16))
    assert refused.value.messages == [
        "The image is 5000 × 8000 pixels (40.0 megapixels); at most 4096 × 4096 pixels are "
        "accepted."
    ]


def test_4096_pixels_a_side_pass_and_4097_do_not():
    assert process_avatar(image_upload(size=(4096, 2)))
    with pytest.raises(ValidationError, match="4097 × 2"):
        process_avatar(image_upload(size=(4097, 2)))
