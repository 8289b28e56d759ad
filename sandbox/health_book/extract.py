"""Extraction of a Sổ SKĐT entry from an accepted episode (QĐ 1332; QĐ 2733 Đ5 step 7, PL02; QĐ 31 Đ2 k3).

The mapping, field by field (group → entry key ← XML source), is the table ``MAPPING`` below;
the README shows it.  Restricted data never reaches the display: XML6 (HIV/AIDS care) is not
read at all (QĐ 2733 PL01 Đ7).  Wire names become English/Vietnamese display keys only here.
"""

from __future__ import annotations

from ..pipeline.rules.view import EpisodeView, Row, day
from ..reference.codelists import KET_QUA_DTRI, MA_DOITUONG_KCB, MA_LOAI_KCB, MA_LOAI_RV

# (group, key, source table, source field, note)
MAPPING: tuple[tuple[str, str, str, str, str], ...] = (
    ("hanhChinh", "hoTen", "XML1", "HO_TEN", "QĐ 31 nhóm 1"),
    ("hanhChinh", "ngaySinh", "XML1", "NGAY_SINH", "yyyyMMddHHmm"),
    ("hanhChinh", "gioiTinh", "XML1", "GIOI_TINH", "1 nam, 2 nữ, 3 chưa xác định"),
    ("hanhChinh", "danToc", "XML1", "MA_DANTOC", ""),
    ("hanhChinh", "quocTich", "XML1", "MA_QUOCTICH", ""),
    ("hanhChinh", "ngheNghiep", "XML1", "MA_NGHE_NGHIEP", ""),
    ("hanhChinh", "soDinhDanh", "XML1", "SO_CCCD", "owner of the entry"),
    ("hanhChinh", "dienThoai", "XML1", "DIEN_THOAI", ""),
    ("hanhChinh", "theBhyt", "XML1", "MA_THE_BHYT", ""),
    ("hanhChinh", "noiDangKyBanDau", "XML1", "MA_DKBD", ""),
    ("hanhChinh", "theTuNgay", "XML1", "GT_THE_TU", ""),
    ("hanhChinh", "theDenNgay", "XML1", "GT_THE_DEN", ""),
    ("hanhChinh", "khuVuc", "XML1", "MA_KHUVUC", ""),
    ("hanhChinh", "diaChi", "XML1", "DIA_CHI", ""),
    ("luotKham", "maCSKCB", "XML1", "MA_CSKCB", "QĐ 31 nhóm 3: cơ sở KCB"),
    ("luotKham", "ngayVao", "XML1", "NGAY_VAO", "thời gian"),
    ("luotKham", "ngayVaoNoiTru", "XML1", "NGAY_VAO_NOI_TRU", ""),
    ("luotKham", "ngayRa", "XML1", "NGAY_RA", ""),
    ("luotKham", "hinhThuc", "XML1", "MA_LOAI_KCB", "hình thức KCB (+ tên)"),
    ("luotKham", "doiTuongKcb", "XML1", "MA_DOITUONG_KCB", "đối tượng đến khám / tuyến (+ tên)"),
    ("luotKham", "lyDo", "XML1", "LY_DO_VV", "lý do đến khám"),
    ("luotKham", "ketQua", "XML1", "KET_QUA_DTRI", "kết quả điều trị (+ tên)"),
    ("luotKham", "tinhTrangRaVien", "XML1", "MA_LOAI_RV", "tình trạng ra viện (+ tên)"),
    ("luotKham", "chanDoan", "XML1", "CHAN_DOAN_RV", "chẩn đoán ra viện"),
    ("luotKham", "maBenhChinh", "XML1", "MA_BENH_CHINH", "ICD-10, bệnh chính"),
    ("luotKham", "maBenhKemTheo", "XML1", "MA_BENH_KT", "ICD-10, danh sách"),
    ("luotKham", "maBenhYhct", "XML1", "MA_BENH_YHCT", ""),
    ("luotKham", "nhomMau", "XML1", "NHOM_MAU", "chỉ số chính (QĐ 1332 III.3)"),
    ("luotKham", "chieuCao", "XML1", "DU_PHONG", "chiều cao cm (QĐ 3176)"),
    ("luotKham", "canNang", "XML1", "CAN_NANG", "cân nặng kg"),
    ("luotKham", "loiDan", "XML1", "GHI_CHU", "lời dặn"),
    ("luotKham", "ngayTaiKham", "XML1", "NGAY_TAI_KHAM", "lịch tái khám"),
    ("canLamSang[]", "tenChiSo", "XML4", "TEN_CHI_SO", "kết quả CLS"),
    ("canLamSang[]", "giaTri", "XML4", "GIA_TRI", ""),
    ("canLamSang[]", "donVi", "XML4", "DON_VI_DO", ""),
    ("canLamSang[]", "moTa", "XML4", "MO_TA", ""),
    ("canLamSang[]", "ketLuan", "XML4", "KET_LUAN", ""),
    ("canLamSang[]", "ngayKetQua", "XML4", "NGAY_KQ", ""),
    ("thuoc[]", "tenThuoc", "XML2", "TEN_THUOC", "đơn thuốc"),
    ("thuoc[]", "hamLuong", "XML2", "HAM_LUONG", ""),
    ("thuoc[]", "duongDung", "XML2", "DUONG_DUNG", ""),
    ("thuoc[]", "lieuDung", "XML2", "LIEU_DUNG", ""),
    ("thuoc[]", "cachDung", "XML2", "CACH_DUNG", ""),
    ("thuoc[]", "soLuong", "XML2", "SO_LUONG", ""),
    ("thuoc[]", "donViTinh", "XML2", "DON_VI_TINH", ""),
    ("thuThuat[]", "tenDichVu", "XML3", "TEN_DICH_VU", "chỉ dòng MA_NHOM 8 (phẫu thuật), 18 (thủ thuật)"),
    ("thuThuat[]", "maPtttQt", "XML3", "MA_PTTT_QT", "ICD-9-CM"),
    ("thuThuat[]", "ngayThucHien", "XML3", "NGAY_TH_YL", ""),
    ("tomTat", "quaTrinhBenhLy", "XML8", "QT_BENHLY", "tóm tắt hồ sơ bệnh án (QĐ 1332 trường 41–45)"),
    ("tomTat", "tomTatKetQua", "XML8", "TOMTAT_KQ", ""),
    ("tomTat", "phuongPhapDieuTri", "XML8", "PP_DIEUTRI", ""),
    ("tomTat", "ketQua", "XML8", "KET_QUA_DTRI", ""),
    ("tomTat", "ghiChu", "XML8", "GHI_CHU", ""),
    ("tomTat", "ngayChungTu", "XML8", "NGAY_CT", ""),
    ("tomTat", "nguoiKy", "XML8", "MA_TTDV", "bác sĩ điều trị / người ký"),
    ("giayRaVien", "soLuuTru", "XML7", "SO_LUU_TRU", "giấy ra viện"),
    ("giayRaVien", "chanDoan", "XML7", "CHAN_DOAN_RV", ""),
    ("giayRaVien", "phuongPhapDieuTri", "XML7", "PP_DIEUTRI", ""),
    ("giayRaVien", "ghiChu", "XML7", "GHI_CHU", ""),
    ("giayRaVien", "bacSi", "XML7", "TEN_BS", ""),
    ("giayRaVien", "ngayChungTu", "XML7", "NGAY_CT", ""),
    ("giayRaVien", "soNgayNghi", "XML7", "SO_NGAY_NGHI", ""),
    ("giayHen", "soGiayHen", "XML14", "SO_GIAYHEN_KL", "giấy hẹn khám lại — giá trị như bản giấy (QĐ 2733 Đ6)"),
    ("giayHen", "ngayHen", "XML14", "NGAY_HEN_KL", ""),
    ("giayHen", "chanDoan", "XML14", "CHAN_DOAN_RV", ""),
    ("giayHen", "bacSi", "XML14", "MA_BAC_SI", ""),
    ("giayHen", "ngayChungTu", "XML14", "NGAY_CT", ""),
    ("giayChuyenTuyen", "soGiay", "XML13", "GIAY_CHUYEN_TUYEN", "giấy chuyển tuyến — giá trị như bản giấy"),
    ("giayChuyenTuyen", "soHoSo", "XML13", "SO_HOSO", ""),
    ("giayChuyenTuyen", "noiDen", "XML13", "MA_CSKCB_DEN", "(QĐ 4750: MA_NOI_DEN)"),
    ("giayChuyenTuyen", "dauHieuLamSang", "XML13", "DAU_HIEU_LS", ""),
    ("giayChuyenTuyen", "lyDo", "XML13", "MA_LYDO_CT", ""),
    ("giayChuyenTuyen", "huongDieuTri", "XML13", "HUONG_DIEU_TRI", ""),
    ("giayChuyenTuyen", "phuongTien", "XML13", "PHUONGTIEN_VC", ""),
    ("giayChuyenTuyen", "bacSi", "XML13", "MA_BAC_SI", ""),
)
ALIASES = {("XML13", "MA_CSKCB_DEN"): "MA_NOI_DEN"}   # 4750 name of the same field
PROCEDURE_GROUPS = {"8", "18"}
NAMES = {"hinhThuc": MA_LOAI_KCB, "ketQua": KET_QUA_DTRI, "tinhTrangRaVien": MA_LOAI_RV, "doiTuongKcb": MA_DOITUONG_KCB}


def _value(row: Row, table: str, name: str) -> str:
    return row.get(name) or row.get(ALIASES.get((table, name), ""))


def extract(view: EpisodeView) -> dict:
    """The entry's data groups; lists become lists of rows; empty documents are left out."""
    entry: dict = {}
    for group, key, table, name, _ in MAPPING:
        rows = view.rows(table)
        if table == "XML3":
            rows = [r for r in rows if r.get("MA_NHOM") in PROCEDURE_GROUPS]
        if group.endswith("[]"):
            items = entry.setdefault(group[:-2], [{} for _ in rows])
            for item, row in zip(items, rows):
                item[key] = _value(row, table, name)
        elif rows:
            entry.setdefault(group, {})[key] = _value(rows[0], table, name)
    visit = entry.get("luotKham", {})
    when = day(visit.get("ngayVao", ""))
    for key, codes in NAMES.items():
        if visit.get(key) and when:
            visit[key + "Ten"] = codes.codes_on(when).get(visit[key], "")
    if visit.get("maBenhKemTheo") is not None:
        visit["maBenhKemTheo"] = [c for c in visit["maBenhKemTheo"].split(";") if c]
    return entry


def mapping_markdown() -> str:
    lines = ["| nhóm / group | khóa / key | nguồn / source | ghi chú / note |", "|---|---|---|---|"]
    lines += [f"| {g} | {k} | {t}.{n} | {note} |" for g, k, t, n, note in MAPPING]
    return "\n".join(lines)
