"""Attachments of task forms: which files are accepted, and why one is refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from .errors import Problem
from .text import text_problem

#: default upper limit of one attachment, in bytes (20 MiB).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: extension -> (content type, description)
ACCEPTED: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
    ".ofd": ("application/ofd", "OFD"),
}
#: what a scan of an identity document may be: PDF or a photograph
SCANS: dict[str, tuple[str, str]] = {
    ".pdf": ACCEPTED[".pdf"],
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
}
#: what a file of each kind starts with
_MAGIC = {
    ".pdf": b"%PDF-",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
}


@dataclass(frozen=True)
class Upload:
    """A file as the user sent it."""

    filename: str
    content: bytes

    @property
    def extension(self) -> str:
        """Return the lower-case extension including the dot, or ''."""
        name = self.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""

    @property
    def sha256(self) -> str:
        """Return the SHA-256 of the content."""
        return hashlib.sha256(self.content).hexdigest()


def problems(
    upload: Upload,
    max_bytes: int = DEFAULT_MAX_BYTES,
    accepted: dict[str, tuple[str, str]] = ACCEPTED,
) -> list[Problem]:
    """Return what is wrong with an upload (empty if it is acceptable)."""
    found = []
    if problem := text_problem(upload.filename):
        found.append(Problem("attachment.bad_name", {"problem": problem}))
    kinds = list(dict.fromkeys(description for _, description in accepted.values()))
    if upload.extension not in accepted:
        found.append(Problem("attachment.kind", {"kinds": kinds, "name": upload.filename}))
    elif not _content_matches(upload):
        kind = accepted[upload.extension][1]
        found.append(Problem("attachment.content", {"kind": kind, "name": upload.filename}))
    if not upload.content:
        found.append(Problem("attachment.empty"))
    if len(upload.content) > max_bytes:
        found.append(
            Problem(
                "attachment.too_large",
                {"limit": _size(max_bytes), "size": _size(len(upload.content))},
            )
        )
    return found


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count / 1024:.1f} KB"


def content_type(upload: Upload, accepted: dict[str, tuple[str, str]] = ACCEPTED) -> str:
    """Return the content type that an accepted upload is stored and served with."""
    return accepted[upload.extension][0]


#: the largest table of contents (central directory) a DOCX or OFD file may have: a
#: document of a thousand pages and pictures needs a tenth of it
MAX_DIRECTORY_BYTES = 2**20


def _directory_bytes(data: bytes) -> int:
    """Return the size of a zip file's table of contents as its end records state it (0: none).

    Read before ``zipfile`` reads the table: it makes an object of every
    entry, and 20 MB of one-letter entries cost seconds and 120 MB of memory.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        return 0
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    locator = end - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        # ZIP64: the size is in the record the locator points to, as zipfile reads it.
        at = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[at : at + 4] == b"PK\x06\x06" and len(data) >= at + 56:
            size = max(size, int.from_bytes(data[at + 40 : at + 48], "little"))
    return size


def _content_matches(upload: Upload) -> bool:
    # Checking the bytes, not only the name, keeps a renamed executable out.
    data = upload.content
    if upload.extension in _MAGIC:
        return data.startswith(_MAGIC[upload.extension])
    if _directory_bytes(data) > MAX_DIRECTORY_BYTES:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    if upload.extension == ".docx":
        return "word/document.xml" in names
    return "OFD.xml" in names
