"""A divergent HOSO becomes a shareable regression sample: no personal value of the original left, dates
moved together, re-signed with the corpus key; the corpus harness runs it and finds the divergence still
open (the sandbox's verdict, not yet the upstream's)."""

import base64
import json

from lxml import etree

from sandbox.shadow.replay import envelopes, read_verdicts, replay
from demo.regression_samples import SHIFT_DAYS, write_samples
from tests.corpus.test_corpus import regression_verdict
from tests.shadow.test_replay import _write


def _values(payload: bytes) -> dict:
    root = etree.fromstring(payload)
    out = {}
    for f in root.iter("FILEHOSO"):
        for el in etree.fromstring(base64.b64decode(f.findtext("NOIDUNGFILE"))).iter():
            if isinstance(el.tag, str) and not len(el) and el.text:
                out.setdefault(el.tag, el.text)
    return out


def test_a_divergence_becomes_an_anonymised_sample_the_corpus_runs(ctx, his, tmp_path):
    folder = tmp_path / "hoso"
    folder.mkdir()
    key = _write(folder, his.credential, 7, "a.xml", MATINH_CU_TRU="99")        # we refuse (PROV-01)
    (tmp_path / "v.csv").write_text(f"MA_LK,TRANG_THAI\n{key},Hợp lệ\n", encoding="utf-8")  # they accepted
    report = replay(ctx, folder, read_verdicts(tmp_path / "v.csv"))
    payloads = {str(p.relative_to(folder)): b for p, b in envelopes(folder)}
    [entry] = write_samples(report, payloads, tmp_path / "regressions")
    assert entry["divergence"] == "stricter" and entry["expectedValid"] is True and entry["open"]
    original, sample = _values(payloads["a.xml"]), _values((tmp_path / "regressions" / entry["file"]).read_bytes())
    for name in ("HO_TEN", "SO_CCCD", "MA_THE_BHYT", "MA_BN", "DIA_CHI", "MA_LK"):
        assert sample[name] != original[name] and len(sample[name]) == len(original[name]) or name in ("HO_TEN", "DIA_CHI")
        assert original[name] not in (tmp_path / "regressions" / entry["file"]).read_text(encoding="utf-8")
    assert sample["MA_THE_BHYT"][:5] == original["MA_THE_BHYT"][:5]                # object, level, province kept
    assert int(original["NGAY_VAO"][:8]) != int(sample["NGAY_VAO"][:8]) and SHIFT_DAYS == 7
    manifest = json.loads((tmp_path / "regressions" / "regressions.json").read_text(encoding="utf-8"))
    valid, errors = regression_verdict(his.client, tmp_path / "regressions", manifest[0], ctx)
    assert (valid, errors) == (False, {"XML1-PROV-01"})          # still the sandbox's verdict: the divergence is open
