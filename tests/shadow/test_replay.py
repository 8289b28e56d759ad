"""Replay without a proxy: a folder of exported envelopes judged and set beside the verdicts the real portal
showed (CSV or xlsx), with the same report as shadow mode; 1 000 envelopes give the report of 1 000 HOSO."""

import base64

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.errors import SandboxError
from sandbox.shadow.replay import read_verdicts, replay
from tests.plugins.gateway import signed


def _write(folder, credential, seed, name, **xml1):
    ep = generate(seed, "58001", "kham")
    ep.tables["XML1"][0].update(xml1)
    payload = signed(envelope("58001", [ep.documents()]), credential)
    if name.endswith(".b64"):
        (folder / name).write_bytes(base64.b64encode(payload))
    else:
        (folder / name).write_bytes(payload)
    return ep.ma_lk


def test_a_folder_and_the_portals_verdicts_give_every_class(ctx, his, tmp_path):
    folder = tmp_path / "hoso"
    (folder / "thang11").mkdir(parents=True)
    keys = {"matched": _write(folder, his.credential, 1, "a.xml"),
            "looser": _write(folder, his.credential, 2, "thang11/b.b64"),
            "stricter": _write(folder, his.credential, 3, "c.xml", MATINH_CU_TRU="99"),
            "reasons": _write(folder, his.credential, 4, "d.xml", MATINH_CU_TRU="99"),
            "matched-refused": _write(folder, his.credential, 5, "e.xml", MATINH_CU_TRU="99"),
            "unserved": _write(folder, his.credential, 6, "f.xml")}
    verdicts = tmp_path / "ket-qua.csv"
    verdicts.write_text("Mã liên kết,Trạng thái,Mã lỗi\n"
                        f"{keys['matched']},Hợp lệ,\n{keys['looser']},Không hợp lệ,BHXH-01\n"
                        f"{keys['stricter']},HOP_LE,\n{keys['reasons']},Từ chối,BHXH-07; BHXH-08\n"
                        f"{keys['matched-refused']},KHONG_HOP_LE,XML1-PROV-01\n", encoding="utf-8-sig")
    report = replay(ctx, folder, read_verdicts(verdicts))
    kinds = {c.key: c.kind for c in report.comparisons}
    assert kinds == {keys["matched"]: "matched", keys["looser"]: "looser", keys["stricter"]: "stricter",
                     keys["reasons"]: "reasons", keys["matched-refused"]: "matched", keys["unserved"]: "unserved"}
    codes = {r["code"]: r for r in report.by_code()}
    assert codes["XML1-PROV-01"]["oursOnly"] == 2 and codes["BHXH-01"]["theirsOnly"] == 1
    xlsx = tmp_path / "ket-qua.xlsx"                       # the same verdicts as the portal's xlsx
    wb = Workbook()
    wb.active.append(["MA_LK", "TRANG_THAI", "MA_LOI"])
    for line in verdicts.read_text(encoding="utf-8-sig").splitlines()[1:]:
        wb.active.append(line.split(","))
    wb.save(xlsx)
    assert {c.key: c.kind for c in replay(ctx, folder, read_verdicts(xlsx)).comparisons} == kinds


def test_the_command_writes_the_report_and_refuses_an_unreadable_verdict_file(ctx, his, tmp_path, monkeypatch):
    from sandbox.cli import main
    monkeypatch.setenv("DATABASE_URL", ctx.settings.database_url)
    folder = tmp_path / "hoso"
    folder.mkdir()
    key = _write(folder, his.credential, 1, "a.xml")
    (tmp_path / "v.csv").write_text(f"MA_LK,TRANG_THAI\n{key},Hợp lệ\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["replay", str(folder), "--verdicts", str(tmp_path / "v.csv"),
                                    "-o", str(tmp_path / "r.xlsx")])
    assert out.exit_code == 0, out.output
    assert "Khớp: 1" in out.output and load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Tong hop"
    (tmp_path / "bad.csv").write_text(f"MA_LK,TRANG_THAI\n{key},có lẽ\n", encoding="utf-8")
    with pytest.raises(SandboxError):
        read_verdicts(tmp_path / "bad.csv")
    (tmp_path / "nocol.csv").write_text("A,B\n1,2\n", encoding="utf-8")
    with pytest.raises(SandboxError):
        read_verdicts(tmp_path / "nocol.csv")


@pytest.mark.slow
def test_a_thousand_envelopes(ctx, his, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("the replay reads only certificates from the database: one backend is enough for volume")
    folder = tmp_path / "hoso"
    folder.mkdir()
    lines = ["MA_LK,TRANG_THAI,MA_LOI"]
    for i in range(1000):
        key = _write(folder, his.credential, 1000 + i, f"{i:04d}.xml")
        lines.append(f"{key},{'Không hợp lệ,BHXH-01' if i % 100 == 0 else 'Hợp lệ,'}")
    (tmp_path / "v.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = replay(ctx, folder, read_verdicts(tmp_path / "v.csv"))
    assert report.counts() == {"matched": 990, "stricter": 0, "looser": 10, "reasons": 0, "unserved": 0}
