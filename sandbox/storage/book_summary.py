"""What the VNeID year screen shows of a Sổ SKĐT entry, kept beside the entry's document.

A year of history reads these few fields for each visit.  Taken out of the whole document by the database at
each read, they cost PostgreSQL ≈ 0.16 ms per entry (its JSON is parsed again for every field: 2 ms for a
year of 12 visits against 0.04 ms for the plain columns); stored once when the entry is written, they cost
nothing to read.
"""

from __future__ import annotations


def book_summary(data: dict) -> dict:
    """The year screen's fields of an entry's document (``data``, as extracted)."""
    visit = data.get("luotKham") or {}
    return {"ngayRa": visit.get("ngayRa") or "", "hinhThuc": visit.get("hinhThucTen") or "",
            "chanDoan": visit.get("chanDoan") or "", "coGiayHen": "giayHen" in data,
            "coGiayChuyenTuyen": "giayChuyenTuyen" in data}


def summary_default(context) -> dict:
    """Column default: every insert — the pipeline's, a benchmark's bulk rows, a test's — gets its summary."""
    return book_summary(context.get_current_parameters().get("data") or {})
