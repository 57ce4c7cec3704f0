"""What a progress draft keeps is typed (storage.drafts), and reads back as it was written."""

from __future__ import annotations

from dataclasses import fields

from storage.drafts import AttachmentData, ReadingData, SeveralReadings, draft_items, is_several
from storage.progress import AttachmentIn


def test_an_attachment_kept_in_a_draft_reads_back_whole() -> None:
    sent = AttachmentIn("document", "F1", "U1", "bao-cao.pdf", "application/pdf", 2048)
    kept = sent.as_data()
    # a field added to AttachmentIn and not to AttachmentData would be lost on the way
    assert set(AttachmentData.__annotations__) == {f.name for f in fields(AttachmentIn)}
    assert AttachmentIn(**kept) == sent


def _reading(percent: int | None) -> ReadingData:
    return ReadingData(
        percent=percent,
        status_text=None,
        output=None,
        expected_date=None,
        note=None,
        attachments=[],
        conflict=False,
        asks=False,
    )


def test_items_are_copies_and_say_whose_they_are() -> None:
    one = _reading(80)
    several = SeveralReadings(items=[{"task_id": 3, "data": one}, {"task_id": 4, "data": one}])
    assert not is_several(one) and is_several(several)
    assert draft_items(one) == [{"data": one}]  # its task is the draft's own
    items = draft_items(several)
    items[0]["task_id"] = 9
    assert several["items"][0]["task_id"] == 3  # choosing a figure never edits the kept draft
