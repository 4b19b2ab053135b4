"""Evidence photos: validated from their content (not their name), hashed, and copied without metadata.

Checking a photo decodes it (a corrupt picture only fails when decoded), which costs CPU and memory in
proportion to its pixels, so the size is read from the header first and anything above `max_pixels()` (far
beyond what a phone camera takes) is refused without decoding. Callers check photos with `photos_check`
BEFORE their transaction begins (the API views and page forms do, and the services again for raw uploads
before they take any lock): decoding inside it would hold the write lock, or a case-number counter's row
lock, for seconds.
"""
import hashlib
import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def max_bytes() -> int:
    return getattr(settings, "CASE_PHOTO_MAX_BYTES", 8 * 1024 * 1024)


def max_pixels() -> int:
    """40 megapixels: a phone's camera takes at most about 12 to 12.5 (50 to 200 Mpx sensors bin to these)."""
    return getattr(settings, "CASE_PHOTO_MAX_PIXELS", 40_000_000)


def max_photos() -> int:
    """Photos per case report or workflow step (a patrol finding has its own, lower, limit)."""
    return getattr(settings, "CASE_MAX_PHOTOS", 9)


@dataclass
class CheckedPhoto:
    content: bytes
    content_type: str
    sha256: str
    name: str
    display: bytes = b""  # the copy without metadata, made while checking (a broken picture fails here: 400)

    @property
    def size(self) -> int:
        return len(self.content)


def photos_check(uploads) -> list[CheckedPhoto]:
    """Check the photos of one report or step (at most `max_photos()`); already checked ones pass as they are.

    Raises ValidationError({"photos": ...}). Call it before the transaction that stores them begins."""
    uploads = list(uploads or ())
    limit = max_photos()
    if len(uploads) > limit:
        raise ValidationError({"photos": [_("每次最多上传 %(max)d 张照片（收到 %(n)d 张）") % {"max": limit, "n": len(uploads)}]})
    return [photo_check(upload) for upload in uploads]


def photo_check(upload) -> CheckedPhoto:
    """Read and check one upload; raises ValidationError({"photos": ...}) before anything is stored."""
    if isinstance(upload, CheckedPhoto):
        return upload
    name = getattr(upload, "name", "") or "photo"
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"photos": [_("照片 %(name)s 超过 %(mb)d MB") % {"name": name, "mb": limit // (1024 * 1024)}]})
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(content) > limit:
        raise ValidationError({"photos": [_("照片 %(name)s 超过 %(mb)d MB") % {"name": name, "mb": limit // (1024 * 1024)}]})
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError({"photos": [_("%(name)s 不是 JPEG、PNG 或 WebP 图片") % {"name": name}]})
    unreadable = ValidationError({"photos": [_("%(name)s 无法作为图片读取") % {"name": name}]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below
            img = Image.open(io.BytesIO(content))  # reads the header only
        with img:
            # A few hundred kilobytes can declare 90 million pixels (seconds of CPU and most of a gigabyte to
            # decode): the size comes from the header, and is refused before any pixel is decoded.
            _check_pixels(name, img.width, img.height)
            img.verify()
        photo = CheckedPhoto(content=content, content_type=kind.mime, sha256=hashlib.sha256(content).hexdigest(),
                             name=name)
        # verify() reads no pixel data: a truncated or corrupt picture only fails when decoded, so decode now.
        photo.display = stripped_copy(photo)
    except Image.DecompressionBombError as exc:  # PIL's own limit, met by a header beyond twice its default
        raise _too_many_pixels(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc
    return photo


def _too_many_pixels(name, width=None, height=None) -> ValidationError:
    size = f"{width}×{height}" if width and height else "?"
    return ValidationError({"photos": [
        _("照片 %(name)s 像素过多（%(size)s），最多 %(mp)d 百万像素（MP）")
        % {"name": name, "size": size, "mp": max_pixels() // 1_000_000}
    ]})


def _check_pixels(name, width, height):
    if width * height > max_pixels():
        raise _too_many_pixels(name, width, height)


def stripped_copy(photo: CheckedPhoto) -> bytes:
    """The picture re-encoded from its pixels only: EXIF (GPS, device, time) does not survive."""
    with Image.open(io.BytesIO(photo.content)) as img:
        img = ImageOps.exif_transpose(img)
        if photo.content_type == "image/jpeg" and img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.info = {}  # nothing of the original's metadata is passed on to the encoder
        out = io.BytesIO()
        img.save(out, format=ALLOWED_TYPES[photo.content_type])
        return out.getvalue()


def photo_attach(*, event, photo: CheckedPhoto, at):
    from .models import CasePhoto

    obj = CasePhoto(event=event, case_id=event.case_id, sha256=photo.sha256, content_type=photo.content_type,
                    size=photo.size, uploaded_at=at)
    obj.file.save(photo.name, ContentFile(photo.content), save=False)
    obj.display_file.save(photo.name, ContentFile(photo.display or stripped_copy(photo)), save=False)
    obj.save()
    return obj
