"""Uploaded files (disclosure attachments, wish photos): recognised by their content, size-
limited, and kept in the instance folder under their SHA-256, so the same file is stored once
and a stored file is never overwritten with other content."""
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain.disclosure import Attachment, sniff
from portal.services import ServiceError

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and bytes (the view reads them from the request)."""

    name: str
    data: bytes


def attachment_dir() -> Path:
    path = Path(current_app.config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")
    path.mkdir(parents=True, exist_ok=True)
    return path


def size_label(n: int) -> str:
    """A byte count as people say it: 5 MB, 1.5 MB, 800 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(n // 1024, 1)} KB"


def store_upload(upload: Upload, *, images_only: bool = False) -> Attachment:
    """Check one file and keep it; refuse anything but PDF and images (or only images)."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    name = Path(upload.name or "").name.strip()[:120] or "attachment"
    if len(upload.data) == 0:
        raise ServiceError(_l("The file %(name)s is empty.", name=name))
    if len(upload.data) > limit:
        raise ServiceError(_l("The file %(name)s is larger than %(limit)s.", name=name, limit=size_label(limit)))
    content_type = sniff(upload.data[:16])
    if images_only and content_type not in IMAGE_TYPES:
        raise ServiceError(_l("The file %(name)s is not an image (PNG, JPEG, WebP).", name=name))
    if content_type is None:
        raise ServiceError(_l("The file %(name)s is not a PDF or an image (PNG, JPEG, WebP).", name=name))
    digest = hashlib.sha256(upload.data).hexdigest()
    target = attachment_dir() / digest
    if not target.exists():
        # A temporary file of this request's own, then an atomic rename: two requests storing
        # the same file at once each complete, and the content is the same.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{digest[:16]}.", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(upload.data)
        os.replace(tmp, target)
    return Attachment(name=name, content_type=content_type, size=len(upload.data), sha256=digest)
