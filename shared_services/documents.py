"""Documents uploaded to the mutualised services (claims, legal cases): what is accepted."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from config.errors import ErrorCatalog

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Accepted suffixes and the first bytes their content must start with (the name alone proves nothing).
DOCUMENT_TYPES = {".pdf": b"%PDF", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG"}


def document_check(upload: UploadedFile, *, catalog: ErrorCatalog, too_big: str, wrong_type: str) -> str:
    """The upload's name when it is a PDF, JPEG or PNG of at most 10 MB; the service's own refusal
    (``too_big`` / ``wrong_type`` codes of its ``catalog``) otherwise."""
    name = upload.name or "document"
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise catalog.error(too_big, field="file", limit=MAX_DOCUMENT_BYTES // (1024 * 1024))
    head = upload.read(8)
    upload.seek(0)
    if suffix not in DOCUMENT_TYPES or not head.startswith(DOCUMENT_TYPES[suffix]):
        raise catalog.error(wrong_type, field="file")
    return name[:200]
