"""Evidence photos: validated from their content (not their name), hashed, and copied without metadata."""
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


def photo_check(upload) -> CheckedPhoto:
    """Read and check one upload; raises ValidationError({"photos": ...}) before anything is stored."""
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
            img = Image.open(io.BytesIO(content))
        with img:
            # A few kilobytes can declare a billion pixels: refuse before decoding (PIL's own bomb limit).
            if img.width * img.height > Image.MAX_IMAGE_PIXELS:
                raise unreadable
            img.verify()
        photo = CheckedPhoto(content=content, content_type=kind.mime, sha256=hashlib.sha256(content).hexdigest(),
                             name=name)
        # verify() reads no pixel data: a truncated or corrupt picture only fails when decoded, so decode now.
        photo.display = stripped_copy(photo)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise unreadable from exc
    return photo


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
