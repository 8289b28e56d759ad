"""A divergent HOSO turned into a regression sample that can be shared: personal data replaced by synthetic
data of the same shape — names, personal IDs, card numbers, patient and phone numbers, addresses, MA_LK —
the same value always by the same stand-in within a sample, every date moved by the same number of days;
re-signed with the corpus key; the upstream's verdict recorded as what is expected.

The corpus test runs them (tests/corpus/test_corpus.py, fixtures/corpus/regressions/): the sandbox must give
the upstream's verdict; a divergence not fixed yet is marked ``open`` and expected to fail until it is.

    skdt-sandbox regression-samples FOLDER --verdicts ket-qua.csv [--out fixtures/corpus/regressions]
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import click
from lxml import etree

DATE = re.compile(r"^(\d{8})(\d{4})?$")
IDENTITY = {"HO_TEN", "TEN_BENH_NHAN", "HO_TEN_CHA", "HO_TEN_ME", "NGUOI_GIAM_HO", "HO_TEN_CB"}
DIGITS = {"SO_CCCD", "MA_BN", "DIEN_THOAI", "SO_CCCD_CHA", "SO_CCCD_ME", "MA_SO_BHXH"}
CARDS = {"MA_THE_BHYT", "MA_THE_TAM"}
ADDRESSES = {"DIA_CHI", "DIA_CHI_CHA", "DIA_CHI_ME"}
DATES = {"NGAY_SINH", "NGAY_VAO", "NGAY_RA", "NGAY_YL", "NGAY_TH_YL", "NGAY_KQ", "NGAY_TTOAN", "GT_THE_TU",
         "GT_THE_DEN", "NGAY_MIEN_CCT", "NGAY_TAI_KHAM", "NGAY_VAO_NOI_TRU", "NGAYLAP", "NGAY_CT"}
SHIFT_DAYS = 7     # small, so that the documents in force on the episode's date stay the same


class Anonymiser:
    def __init__(self, seed: str):
        self.rng = random.Random(hashlib.sha256(seed.encode()).digest())
        self.seen: dict[tuple[str, str], str] = {}

    def value(self, name: str, text: str) -> str:
        if not text:
            return text
        key = (name if name not in DIGITS else "digits", text)
        if key not in self.seen:
            self.seen[key] = self._new(name, text)
        return self.seen[key]

    def _new(self, name: str, text: str) -> str:
        rng = self.rng
        if name in IDENTITY:
            return rng.choice(["Nguyễn", "Trần", "Lê", "Phạm"]) + " " + rng.choice(["Văn", "Thị", "Minh", "Ngọc"]) + " " \
                + rng.choice(["An", "Bình", "Chi", "Dũng", "Hoa", "Lan", "Tâm"])
        if name in DIGITS:   # a personal ID keeps province, century-and-sex and birth year: its structure is checked
            keep = 6 if name.startswith("SO_CCCD") else 0
            return text[:keep] + "".join(rng.choice("0123456789") for _ in text[keep:])
        if name in CARDS:            # object code, benefit level and province digits kept: the rules read them
            return text[:5] + "".join(rng.choice("0123456789") for _ in text[5:])
        if name in ADDRESSES:
            return f"Số {rng.randint(1, 200)}, thôn {rng.randint(1, 9)}, xã mẫu, tỉnh mẫu"
        if name == "MA_LK":
            return text[:5] + "".join(rng.choice("0123456789ABCDEF") for _ in text[5:])
        return text


def shift(text: str, same_year: bool = False) -> str:
    """A week earlier; a birth date (``same_year``) a week later instead when earlier would change its year
    (the personal ID carries the birth year)."""
    m = DATE.match(text or "")
    if not m:
        return text
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d")
    except ValueError:
        return text
    moved = day - timedelta(days=SHIFT_DAYS)
    if same_year and moved.year != day.year:
        moved = day + timedelta(days=SHIFT_DAYS)
    return moved.strftime("%Y%m%d") + (m.group(2) or "")


def _clean(node: etree._Element, anonymiser: Anonymiser) -> None:
    for el in node.iter():
        if not isinstance(el.tag, str) or len(el) or el.text is None:
            continue
        if el.tag in DATES:
            el.text = shift(el.text, same_year=el.tag == "NGAY_SINH")
        else:
            el.text = anonymiser.value(el.tag, el.text)


def regression_sample(payload: bytes, ma_lk: str, seed: str) -> tuple[bytes, str]:
    """The HOSO of ``ma_lk`` alone in a new envelope, anonymised and signed with the corpus key;
    returns (the signed envelope, its new MA_LK)."""
    from fixtures.corpus import HERE, load_pki
    from fixtures.envelope import envelope
    from fixtures.signing import sign
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.fromstring(payload, parser)
    anonymiser = Anonymiser(seed)
    for hoso in root.iter("HOSO"):
        documents = {}
        for file in hoso.iter("FILEHOSO"):
            inner = etree.fromstring(base64.b64decode(file.findtext("NOIDUNGFILE") or ""), parser)
            documents[file.findtext("LOAIHOSO")] = inner
        first = next(iter(documents.values()), None)
        if first is None or (first.findtext(".//MA_LK") or "") != ma_lk:
            continue
        for inner in documents.values():
            for el in inner.iter("CHUKYDONVI"):
                el.clear()
            _clean(inner, anonymiser)
        new_lk = anonymiser.value("MA_LK", ma_lk)
        docs = {t: etree.tostring(d, xml_declaration=True, encoding="utf-8") for t, d in documents.items()}
        credential = load_pki(HERE)["facility"]
        facility = (root.findtext(".//MACSKCB") or "").strip()
        return sign(envelope(facility, [docs]), credential.key_pem, credential.cert_pem), new_lk
    raise ValueError(f"no HOSO with MA_LK {ma_lk}")


def write_samples(report, folder_of_payloads: dict[str, bytes], out: Path) -> list[dict]:
    """Every divergent HOSO of a replay report as a regression sample in ``out`` (with regressions.json)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "regressions.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else []
    written = []
    for c in report.comparisons:
        if c.kind in ("matched", "unserved") or c.source not in folder_of_payloads:
            continue
        signed, new_lk = regression_sample(folder_of_payloads[c.source], c.key, seed=c.source + c.key)
        name = f"regression_{c.kind}_{new_lk}"
        (out / f"{name}.xml").write_bytes(signed)
        entry = {"name": name, "file": f"{name}.xml", "endpoint": "guiHoSoXmlQD3176", "loaiHoSo": "130",
                 "expectedValid": c.theirs.valid, "expectedErrors": sorted(c.theirs.codes), "divergence": c.kind,
                 "sandboxErrors": sorted(c.ours.codes), "open": True}
        manifest = [m for m in manifest if m["name"] != name] + [entry]
        written.append(entry)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return written


@click.command("regression-samples")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--verdicts", "verdict_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", type=click.Choice(["QD130", "QD4750", "QD3176"]), default="QD3176", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "regressions", show_default=True)
def regression_samples_command(folder, verdict_file, profile, out):
    """Mỗi hồ sơ khác biệt khi chấm lại (replay) thành một mẫu hồi quy đã ẩn danh cho bộ corpus."""
    from sandbox.context import Context
    from sandbox.shadow.replay import envelopes, read_verdicts, replay
    report = replay(Context.create(), folder, read_verdicts(verdict_file), profile)
    written = write_samples(report, {str(p.relative_to(folder)): b for p, b in envelopes(folder)}, out)
    click.echo(f"{len(written)} mẫu hồi quy / regression samples → {out}")
