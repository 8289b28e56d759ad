"""One HOSO judged twice — by the sandbox and by the upstream gateway — and what the difference is.

Classes: ``matched`` (both accept, or both refuse for the same reasons or the upstream names none),
``stricter`` (the sandbox refuses what the upstream accepts), ``looser`` (the sandbox accepts what the
upstream refuses), ``reasons`` (both refuse, for different error codes), ``unserved`` (no upstream
verdict).  Only error codes count (warnings never decide a verdict); transaction ids and times are noise
and never compared (NOISE).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sandbox.tables import Table

CLASSES = {"matched": "Khớp", "stricter": "Sandbox chặt hơn (sandbox từ chối, cổng thật nhận)",
           "looser": "Sandbox lỏng hơn (sandbox nhận, cổng thật từ chối)", "reasons": "Cùng từ chối, khác lý do",
           "unserved": "Cổng thật chưa có kết quả"}
NOISE = ("maGiaoDich", "thoiGianTiepNhan", "thoiGianXuLy", "ngayXuLy")   # declared up front, never compared


@dataclass(frozen=True)
class Verdict:
    valid: bool | None                     # None: no verdict (upstream unserved)
    codes: frozenset[str] = frozenset()    # error codes


@dataclass(frozen=True)
class Comparison:
    key: str                               # MA_LK (or the file and position when it has none)
    ours: Verdict
    theirs: Verdict
    source: str = ""                       # the file or transaction it came from

    @property
    def kind(self) -> str:
        if self.theirs.valid is None:
            return "unserved"
        if self.ours.valid and self.theirs.valid:
            return "matched"
        if not self.ours.valid and self.theirs.valid:
            return "stricter"
        if self.ours.valid and not self.theirs.valid:
            return "looser"
        if self.theirs.codes and self.theirs.codes != self.ours.codes:
            return "reasons"
        return "matched"


@dataclass
class Report:
    comparisons: list[Comparison] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(c.kind for c in self.comparisons)
        return {k: found.get(k, 0) for k in CLASSES}

    def by_code(self) -> list[dict]:
        """Per error code: in how many divergences it was ours only, or theirs only."""
        ours, theirs = Counter(), Counter()
        for c in self.comparisons:
            if c.kind in ("stricter", "reasons"):
                ours.update(c.ours.codes - c.theirs.codes)
            if c.kind in ("looser", "reasons"):
                theirs.update(c.theirs.codes - c.ours.codes)
        return [{"code": code, "oursOnly": ours.get(code, 0), "theirsOnly": theirs.get(code, 0)}
                for code in sorted(set(ours) | set(theirs))]

    def as_json(self) -> dict:
        return {"total": len(self.comparisons), "counts": self.counts(), "byCode": self.by_code(),
                "noise": list(NOISE),
                "divergences": [{"key": c.key, "source": c.source, "kind": c.kind,
                                 "ours": {"valid": c.ours.valid, "codes": sorted(c.ours.codes)},
                                 "theirs": {"valid": c.theirs.valid, "codes": sorted(c.theirs.codes)}}
                                for c in self.comparisons if c.kind != "matched"]}

    def tables(self) -> list[Table]:
        counts = self.counts()
        summary = Table("Đối chiếu với cổng thật — tổng hợp", [("kind", "Kết quả đối chiếu"), ("count", "Số hồ sơ")],
                        [{"kind": CLASSES[k], "count": n} for k, n in counts.items()],
                        note=f"{len(self.comparisons)} hồ sơ; không so sánh: {', '.join(NOISE)}.", sheet="Tong hop")
        codes = Table("Theo mã lỗi", [("code", "Mã lỗi"), ("oursOnly", "Chỉ sandbox báo"),
                                      ("theirsOnly", "Chỉ cổng thật báo")], self.by_code(), sheet="Theo ma loi")
        fmt = lambda v: "—" if v.valid is None else ("hợp lệ" if v.valid else "; ".join(sorted(v.codes)) or "từ chối")  # noqa: E731
        rows = [{"key": c.key, "source": c.source, "kind": CLASSES[c.kind], "ours": fmt(c.ours), "theirs": fmt(c.theirs)}
                for c in self.comparisons if c.kind != "matched"]
        divergent = Table("Hồ sơ khác nhau", [("key", "MA_LK"), ("source", "Nguồn"), ("kind", "Loại"),
                                              ("ours", "Sandbox"), ("theirs", "Cổng thật")], rows, sheet="Khac nhau")
        return [summary, codes, divergent]
