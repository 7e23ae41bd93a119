"""Avatar images (S-6): verified, capped, re-encoded without metadata, thumbnailed."""

import base64
import hashlib
import io
import warnings

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
PLACEHOLDER_COLOURS = 12


def process_avatar(upload) -> ContentFile:
    """A square WebP thumbnail of an uploaded image, or a ValidationError saying why not.

    The size and pixel caps are checked from the header, before any pixel is decoded, so a
    decompression bomb is refused without allocating it.
    """
    if upload.size > settings.MAX_AVATAR_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.MAX_AVATAR_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            width, height = probe.size
            if width * height > settings.MAX_AVATAR_PIXELS:
                raise ValidationError(
                    _("The image is %(w)d × %(h)d pixels; at most %(mp)d megapixels are accepted.")
                    % {"w": width, "h": height, "mp": settings.MAX_AVATAR_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            image.seek(0)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels; at most %(mp)d megapixels are accepted.")
            % {"mp": settings.MAX_AVATAR_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not a PNG, JPEG, GIF or WebP image."), code="invalid"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("This image is damaged or incomplete."), code="invalid") from None
    image = ImageOps.exif_transpose(image)
    image = (
        image.convert("RGBA") if image.mode in ("P", "LA", "RGBA", "PA") else image.convert("RGB")
    )
    size = settings.AVATAR_THUMBNAIL_SIZE
    image = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    digest = hashlib.sha256(out.getvalue()).hexdigest()[:16]
    return ContentFile(out.getvalue(), name=f"{digest}.webp")


def placeholder_colour(title: str) -> int:
    """A stable colour index for a model's placeholder avatar."""
    return int(hashlib.sha256((title or "").encode()).hexdigest(), 16) % PLACEHOLDER_COLOURS


def placeholder_initial(title: str) -> str:
    title = (title or "").strip()
    return title[0].upper() if title else "?"


_KEPT_SALT = "modelhub.catalog.avatar-kept"
_KEPT_MAX_AGE = 6 * 3600


def keep_token(avatar: ContentFile) -> str:
    """A signed copy of a processed avatar to carry through a form that failed elsewhere (S-15),
    so the user need not choose the image again and nothing is stored before the save."""
    avatar.seek(0)
    payload = {"name": avatar.name, "data": base64.b64encode(avatar.read()).decode()}
    avatar.seek(0)
    return signing.dumps(payload, salt=_KEPT_SALT, compress=True)


def from_keep_token(token: str) -> ContentFile | None:
    """The avatar carried by `keep_token`, or None for a missing, stale or forged token."""
    try:
        payload = signing.loads(token, salt=_KEPT_SALT, max_age=_KEPT_MAX_AGE)
        data = base64.b64decode(payload["data"], validate=True)
        with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:
            image.verify()
            if image.size != (settings.AVATAR_THUMBNAIL_SIZE,) * 2:
                return None
    except (signing.BadSignature, KeyError, TypeError, ValueError, OSError, SyntaxError):
        return None
    return ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:16]}.webp")


def data_url(avatar: ContentFile) -> str:
    avatar.seek(0)
    url = "data:image/webp;base64," + base64.b64encode(avatar.read()).decode()
    avatar.seek(0)
    return url
