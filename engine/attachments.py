"""Attachments of task forms: which files are accepted, and why one is refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

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


def problems(upload: Upload, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """Return what is wrong with an upload (empty if it is acceptable)."""
    found = []
    if problem := text_problem(upload.filename):
        zh, en = problem.split(" / ", 1)
        found.append(f"文件名{zh} / The file name: {en}")
    kinds = "、".join(d for _, d in ACCEPTED.values())
    if upload.extension not in ACCEPTED:
        found.append(
            f"只接受 {kinds} 文件 / Only {', '.join(d for _, d in ACCEPTED.values())} files "
            f"are accepted (got '{upload.filename}')."
        )
    elif not _content_matches(upload):
        found.append(
            f"文件内容不是 {ACCEPTED[upload.extension][1]} / The content of '{upload.filename}' "
            f"is not a {ACCEPTED[upload.extension][1]} file."
        )
    if not upload.content:
        found.append("文件为空 / The file is empty.")
    if len(upload.content) > max_bytes:
        limit, size = _size(max_bytes), _size(len(upload.content))
        found.append(f"文件超过 {limit} 上限 / The file is larger than the {limit} limit ({size}).")
    return found


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count / 1024:.1f} KB"


def content_type(upload: Upload) -> str:
    """Return the content type that an accepted upload is stored and served with."""
    return ACCEPTED[upload.extension][0]


def _content_matches(upload: Upload) -> bool:
    # Checking the bytes, not only the name, keeps a renamed executable out.
    data = upload.content
    if upload.extension == ".pdf":
        return data.startswith(b"%PDF-")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    if upload.extension == ".docx":
        return "word/document.xml" in names
    return "OFD.xml" in names
