"""People registries loaded from files (CLI) and the admin API; a bad row loads nothing."""

import json

from click.testing import CliRunner

from sandbox import admin
from sandbox.cli import main

H = {"X-Admin-Token": "test-admin-token"}


def test_cli_loads_csv_and_refuses_a_bad_file_whole(ctx, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    admin.add_facility(ctx, "58001", "BVĐK")
    good = tmp_path / "staff.csv"
    good.write_text("facility_code,personal_id,full_name,practitioner_code,can_lookup\n"
                    "58001,058190000001,Nguyễn Thị Thu,,1\n58001,058180000001,Bác sĩ A,000123/NT-CCHN,0\n",
                    encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["registry", "load", "staff", str(good)])
    assert result.exit_code == 0 and "2" in result.output
    rows = json.loads(runner.invoke(main, ["registry", "list", "staff", "--json"]).output)
    assert {r["full_name"] for r in rows} == {"Nguyễn Thị Thu", "Bác sĩ A"}
    bad = tmp_path / "cards.csv"
    bad.write_text("number,full_name,birth_date,sex,valid_from,valid_to\n"
                   "DN4585800000001,Trần Văn An,19850201,1,20260101,20261231\n"
                   "XX1,Sai Mã,19850201,1,20260101,20261231\n", encoding="utf-8")
    result = runner.invoke(main, ["registry", "load", "cards", str(bad)])
    assert result.exit_code == 1 and "dòng 3" in result.output
    assert admin.list_registry(ctx, "cards") == []  # the good row was not kept either


def test_admin_api_loads_json_and_csv(ctx, client):
    admin.add_facility(ctx, "58001", "BVĐK")
    r = client.post("/admin/api/registry/departments", headers=H,
                    json=[{"facility_code": "58001", "code": "K01", "name": "Khoa Khám bệnh"}])
    assert r.json() == {"kind": "departments", "loaded": 1}
    csv = "personal_id,full_name,birth_date,sex\n058085000001,Trần Văn An,19850201,1\n"
    r = client.post("/admin/api/registry/citizens", headers=dict(H, **{"Content-Type": "text/csv"}), content=csv.encode())
    assert r.json() == {"kind": "citizens", "loaded": 1}
    listed = client.get("/admin/api/registry/citizens", headers=H).json()
    assert listed[0]["full_name"] == "Trần Văn An"
    r = client.post("/admin/api/registry/citizens", headers=H, json=[{"personal_id": "123", "full_name": "x",
                                                                      "birth_date": "19850201", "sex": 1}])
    assert r.status_code == 422 and r.json()["maLoi"] == "4221" and "12 chữ số" in r.json()["thongDiep"]


def test_cards_command_lists_every_code(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = CliRunner().invoke(main, ["cards", "--json"]).output
    codes = {c["code"] for c in json.loads(out)}
    from sandbox.result_codes import CARD_CODES
    assert codes == set(CARD_CODES) - {"401"}   # 401 comes from authentication (test_card_check)
