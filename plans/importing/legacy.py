"""Old binary Word files (.doc): converted to .docx by LibreOffice when it is installed.

Communes still keep plans typed years ago as .doc. There is no maintained
pure-Python reader for that format, so we ask LibreOffice (``soffice
--headless --convert-to docx``) when the machine has it, in a private
temporary directory with a time limit; without it the clerk is asked,
politely, for a .docx or .pdf (``LegacyFormatError``).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from plans.importing.errors import CorruptedFileError, LegacyFormatError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc(data: bytes) -> bytes:
    """The .docx bytes of a .doc file, or ``LegacyFormatError`` when we cannot convert."""
    binary = soffice_path()
    if binary is None:
        raise LegacyFormatError("no LibreOffice to convert .doc")
    with tempfile.TemporaryDirectory(prefix="cchc-doc-") as tmp:
        source = Path(tmp) / "plan.doc"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "docx",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("LibreOffice could not convert a .doc: %s", exc)
            raise CorruptedFileError(f"soffice: {exc}") from exc
        target = Path(tmp) / "plan.docx"
        if not target.exists():
            raise CorruptedFileError("soffice wrote no .docx")
        return target.read_bytes()
