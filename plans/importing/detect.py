"""Decide what a byte string is, and refuse dangerous ones before parsing.

Magic bytes win over the file name: Telegram users rename files, and a
``.docx`` that is really an old ``.doc`` deserves the "save as .docx" hint
rather than a parser traceback. Zip members are measured *before*
python-docx/openpyxl/lxml see them, so a zip bomb costs nothing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from plans.importing.errors import (
    CorruptedFileError,
    EncryptedFileError,
    LegacyFormatError,
    UnsupportedFormatError,
    ZipBombError,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WORD_STREAM = "WordDocument".encode("utf-16-le")
ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), b"EncryptedPackage")

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a real plan inflates to a few MB
# One XML part this big would cost gigabytes once parsed into objects.
MAX_XML_PART = 40 * 1024 * 1024
MAX_RATIO = 100  # per member, when the member is big enough to matter
RATIO_MIN_SIZE = 1024 * 1024
MAX_MEMBERS = 5000

DOC_EXTENSIONS = {
    ".docx",
    ".docm",
    ".dotx",
    ".xlsx",
    ".xlsm",
    ".xltx",
    ".doc",
    ".xls",
    ".pdf",
}


def extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a zip and refuse it if its declared contents inflate absurdly."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptedFileError(f"bad zip: {exc}") from exc
    if len(infos) > MAX_MEMBERS:
        raise ZipBombError(f"{len(infos)} members")
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.endswith(".xml") and info.file_size > MAX_XML_PART:
            raise ZipBombError(f"{info.filename}: {info.file_size} bytes of XML")
        if info.file_size >= RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise ZipBombError(f"{info.filename}: ratio {ratio:.0f}")
    if total > MAX_UNCOMPRESSED:
        raise ZipBombError(f"uncompressed total {total}")
    return archive


def sniff(data: bytes, filename: str) -> str:
    """Return "docx", "xlsx", "pdf", "doc" or "csv", or raise the matching import error."""
    ext = extension(filename)
    head = data[:8]
    if head.startswith(ZIP_MAGIC) or (ext in DOC_EXTENSIONS and head.startswith(b"PK")):
        archive = check_zip(data)
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if ext in DOC_EXTENSIONS:
            raise CorruptedFileError("zip without document part")
        raise UnsupportedFormatError("zip that is not docx/xlsx")
    if head == OLE_MAGIC:
        if any(marker in data for marker in ENCRYPTED_MARKERS):
            raise EncryptedFileError("OLE EncryptedPackage")
        if WORD_STREAM in data:
            return "doc"  # converted by LibreOffice when installed (``legacy``)
        raise LegacyFormatError("OLE compound file (.doc/.xls)")
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if looks_like_text(data):
        return "csv"  # content wins over a misleading name ("bang.xlsx" saved as CSV)
    if ext in DOC_EXTENSIONS:
        # Named like a document but is not one: broken download or truncation.
        raise CorruptedFileError(f"{ext} without zip signature")
    raise UnsupportedFormatError("binary data")


def looks_like_text(data: bytes) -> bool:
    """Text if it decodes as UTF-8/UTF-16 or has few control bytes."""
    sample = data[:65536]
    if not sample.strip():
        return True
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # cut in the middle of a character
            return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls / len(sample) < 0.01
