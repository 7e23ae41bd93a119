"""Avatar images (S-6): verified, capped, re-encoded without metadata, thumbnailed."""

import base64
import hashlib
import io
import warnings
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
PLACEHOLDER_COLOURS = 12
AVATAR_FIELD = "avatar"


class AvatarUploadHandler(FileUploadHandler):
    """Receives a form's avatar in memory and keeps no byte past MAX_AVATAR_BYTES, so a 60 MB
    photo is never written to a temporary file: past the limit its bytes are counted and
    dropped, the rest of the form still arrives, and the upload comes out empty with the size
    that was sent, which process_avatar refuses by that size. Any other file in the form, or a
    second avatar, is skipped."""

    received_avatar = False

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name != AVATAR_FIELD or self.received_avatar:
            raise SkipFile
        self.received_avatar = True
        self.content = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_AVATAR_BYTES:
            self.content = None  # what came so far is let go too
        elif self.content is not None:
            self.content.write(raw_data)
        return None

    def file_complete(self, file_size):
        content = self.content if self.content is not None else io.BytesIO()
        content.seek(0)
        return InMemoryUploadedFile(
            content, self.field_name, self.file_name, self.content_type, file_size,
            self.charset, self.content_type_extra,
        )  # fmt: skip


def receives_avatar(view):
    """For a view whose form takes an avatar: its body is read through AvatarUploadHandler.
    The handler must be set before anything reads the body, and the CSRF middleware reads it,
    so the CSRF check moves inside (Django's documented way)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.upload_handlers = [AvatarUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return wrapped


def process_avatar(upload) -> ContentFile:
    """A square WebP thumbnail of an uploaded image, or a ValidationError saying why not.

    The size and the width and height caps are checked from the header, before any pixel is
    decoded, so a decompression bomb is refused without allocating it.
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
            if max(width, height) > settings.MAX_AVATAR_SIDE:
                raise ValidationError(
                    _(
                        "The image is %(w)d × %(h)d pixels (%(mp)s megapixels); at most "
                        "%(max)d × %(max)d pixels are accepted."
                    )
                    % {
                        "w": width,
                        "h": height,
                        "mp": floatformat(width * height / 1_000_000, 1),
                        "max": settings.MAX_AVATAR_SIDE,
                    },
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
            _(
                "The image has too many pixels; at most %(max)d × %(max)d pixels (%(mp)s "
                "megapixels) are accepted."
            )
            % {
                "max": settings.MAX_AVATAR_SIDE,
                "mp": floatformat(settings.MAX_AVATAR_SIDE**2 / 1_000_000, 1),
            },
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
