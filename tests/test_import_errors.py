"""Bad files: each raises the right PlanImportError with a key in both catalogs."""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from pathlib import Path

import pytest

from locales import catalog
from plans.importing import (
    CorruptedFileError,
    EmptyDocumentError,
    EncryptedFileError,
    FileTooLargeError,
    LegacyFormatError,
    NoTaskListError,
    NoTasksError,
    NoTaskTableError,
    PlanImportError,
    UnsupportedFormatError,
    ZipBombError,
    detect,
    load_plan,
)
from plans.importing.errors import ALL_ERRORS
from tests import doc_builders as b

FIXTURE = Path(__file__).parent / "fixtures" / "ke-hoach-cchc-vinh-khe-2024.docx"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def assert_renders(err: PlanImportError) -> None:
    """The key exists in vi and en, with the same placeholders, all supplied."""
    vi, en = catalog("vi")[err.key], catalog("en")[err.key]
    assert placeholders(vi) == placeholders(en)
    assert placeholders(vi) <= set(err.params), (err.key, err.params)
    vi.format(**err.params)


def raises(exc_type, data: bytes, name: str, **kwargs) -> PlanImportError:
    with pytest.raises(exc_type) as info:
        load_plan(data, name, **kwargs)
    assert_renders(info.value)
    assert info.value.params["filename"] == name
    return info.value


def test_random_bytes_unnamed_is_unsupported():
    data = random.Random(7).randbytes(4096)
    raises(UnsupportedFormatError, data, "tai-lieu.bin")


def test_random_bytes_named_docx_is_corrupted():
    raises(CorruptedFileError, random.Random(8).randbytes(4096), "ke-hoach.docx")


def test_broken_pdf_is_corrupted():
    # PDFs are read now (prose plans); a PDF that cannot be opened is a damaged file.
    raises(CorruptedFileError, b"%PDF-1.7\n" + b"\x00\x01" * 100, "ke-hoach.pdf")


def test_truncated_docx_is_corrupted():
    data = FIXTURE.read_bytes()
    raises(CorruptedFileError, data[: len(data) // 2], "ke-hoach.docx")


def test_zip_without_document_part():
    raises(UnsupportedFormatError, b.zip_bytes({"a.txt": b"hello"}), "a.zip")
    raises(CorruptedFileError, b.zip_bytes({"a.txt": b"hello"}), "a.docx")


def test_zip_bomb_by_ratio():
    bomb = b.zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b" " * (8 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100_000
    raises(ZipBombError, bomb, "bom.docx")


def test_zip_bomb_by_total_size(monkeypatch):
    monkeypatch.setattr(detect, "MAX_UNCOMPRESSED", 10_000)
    data = b.zip_bytes({"word/document.xml": os.urandom(20_000)})  # incompressible
    raises(ZipBombError, data, "to.docx")


def test_encrypted_ole_file():
    data = OLE + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024
    raises(EncryptedFileError, data, "mat-khau.docx")
    raises(EncryptedFileError, data, "mat-khau.xlsx")


def test_legacy_doc_file():
    raises(LegacyFormatError, OLE + b"\x00" * 2048, "cu.doc")


def test_empty_inputs():
    raises(EmptyDocumentError, b"", "rong.csv")
    raises(EmptyDocumentError, b"\n\n  \n", "rong.csv")
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    raises(EmptyDocumentError, out.getvalue(), "rong.xlsx")


def test_oversize_is_refused_before_parsing():
    err = raises(FileTooLargeError, FIXTURE.read_bytes(), "lon.docx", max_bytes=1000)
    assert err.params["limit_mb"] == 0.0


def test_docx_with_prose_but_no_table():
    data = b.docx_bytes(
        ["KẾ HOẠCH", "Cải cách hành chính năm 2024", "Chỉ có văn bản, không có bảng."]
    )
    # Read as prose now: no task section, so the message lists the headings it saw.
    err = raises(NoTaskListError, data, "van-ban.docx")
    assert "headings" in err.params


def test_docx_with_unrelated_table():
    data = b.docx_bytes([b.STATS_TABLE])
    raises(NoTaskTableError, data, "thong-ke.docx")


def test_table_without_tasks():
    header = ["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"]
    data = b.csv_bytes([header, ["I", "CẢI CÁCH THỂ CHẾ", "", ""], ["", "", "", ""]])
    raises(NoTasksError, data, "trong.csv")


def test_every_error_key_in_both_catalogs():
    for cls in ALL_ERRORS:
        assert cls.key in catalog("vi") and cls.key in catalog("en"), cls.key
        assert placeholders(catalog("vi")[cls.key]) == placeholders(catalog("en")[cls.key])


def test_processing_instruction_in_docx_body_is_skipped():
    """Word's XML can carry ``<?…?>`` between paragraphs; its tag is no name."""
    from plans.importing.docx_reader import read_docx

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = (
        f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>'
        '<?mso-application progid="Word.Document"?>'
        "<w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p></w:body></w:document>"
    )
    data = b.zip_bytes({"word/document.xml": xml.encode()})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert read_docx(archive).lines == ["Kế hoạch"]
