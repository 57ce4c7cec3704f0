"""Why an import failed, as a catalog key plus parameters.

The importer never formats user-facing text itself: callers render
``t(err.key, lang, **err.params)`` so the chat and the CLI speak the same
polite Vietnamese (or English) from ``locales/*/importing.po``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PlanImportError(Exception):
    """Base of every failure to read a plan document; carries a catalog key."""

    key: ClassVar[str] = "importing.error.generic"

    def __init__(self, detail: str = "", **params: Any) -> None:
        super().__init__(detail or self.key)
        self.detail = detail
        self.params: dict[str, Any] = params


class UnsupportedFormatError(PlanImportError):
    """Not a .docx/.xlsx/.csv/.pdf at all (image, random bytes…)."""

    key = "importing.error.unsupported_format"


class LegacyFormatError(PlanImportError):
    """An old binary Word/Excel file (.doc/.xls): ask for .docx/.xlsx."""

    key = "importing.error.legacy_format"


class CorruptedFileError(PlanImportError):
    """Looks like a document (by name or magic) but cannot be opened."""

    key = "importing.error.corrupted"


class EncryptedFileError(PlanImportError):
    """Password-protected Office file (OLE container with EncryptedPackage)."""

    key = "importing.error.encrypted"


class FileTooLargeError(PlanImportError):
    """Bigger than the configured byte limit; refused before any parsing."""

    key = "importing.error.too_large"


class ZipBombError(PlanImportError):
    """Zip members would inflate far beyond any real plan."""

    key = "importing.error.zip_bomb"


class EmptyDocumentError(PlanImportError):
    """The workbook/sheet/CSV/document holds no text at all."""

    key = "importing.error.empty"


class NoTaskTableError(PlanImportError):
    """Text exists but no table whose header names tasks and units/deadlines."""

    key = "importing.error.no_table"


class NoTasksError(PlanImportError):
    """A task table was recognized but no row in it is a task."""

    key = "importing.error.no_tasks"


class ScannedPdfError(PlanImportError):
    """A PDF with no text layer (a scan): nothing to read without OCR."""

    key = "importing.error.scanned_pdf"


class NoTaskListError(PlanImportError):
    """Prose with no section of tasks; ``params["headings"]`` lists the headings found."""

    key = "importing.error.no_task_list"


ALL_ERRORS: tuple[type[PlanImportError], ...] = (
    PlanImportError,
    UnsupportedFormatError,
    LegacyFormatError,
    CorruptedFileError,
    EncryptedFileError,
    FileTooLargeError,
    ZipBombError,
    EmptyDocumentError,
    NoTaskTableError,
    NoTasksError,
    ScannedPdfError,
    NoTaskListError,
)
