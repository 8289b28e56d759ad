"""Every code the sandbox can answer, with Vietnamese and English text, in one table.

Two kinds of code live here:

* request codes answer an HTTP call (``maKetQua`` family plus the precise ``maLoi``);
* finding codes describe what processing found in a submission (``dsLoi[].maLoi``).

Official codes keep their numbers; every other code is a sandbox code
and says so (``official=False``).  ``family`` is the official ``maKetQua`` a real HIS sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class CodeInfo:
    code: str
    family: str          # the maKetQua sent on the wire
    http_status: int
    official: bool
    kind: str            # "request" or "finding"
    vi: str
    en: str


_ENTRIES: list[CodeInfo] = []


def _c(code, family, http, official, kind, vi, en) -> str:
    _ENTRIES.append(CodeInfo(code, family, http, official, kind, vi, en))
    return code


class ResultCode(str, Enum):
    # --- official gateway codes (CV 3190 / CV 1245 / 4210 client) -------------------------------
    OK = _c("200", "200", 200, True, "request", "Thành công", "Success")
    PARAMETER_FORMAT = _c("205", "205", 400, True, "request",
                          "Lỗi định dạng tham số", "Parameter format error")
    FILE_FORMAT = _c("123", "123", 400, True, "request", "Sai định dạng file", "Wrong file format")
    SAVE_ERROR = _c("124", "124", 500, True, "request",
                    "Lỗi lưu dữ liệu, đề nghị gửi lại", "Could not save the data, please resend")
    UNAUTHENTICATED = _c("401", "401", 401, True, "request", "Lỗi xác thực", "Authentication error")
    FORBIDDEN = _c("403", "403", 403, True, "request", "Không có quyền truy cập", "Not authorised")
    FILE_TOO_LARGE = _c("1001", "1001", 413, True, "request",
                        "Dung lượng file vượt quá giới hạn cho phép", "File exceeds the size limit")
    BACKLOG = _c("1011", "1001", 503, False, "request",
                 "Cổng đang tiếp nhận quá nhiều hồ sơ (giờ cao điểm), đề nghị gửi lại sau",
                 "The gateway is at its peak: too much waiting to be processed, resend later")
    SERVER_ERROR = _c("500", "500", 500, True, "request", "Lỗi hệ thống", "Server error")
    BAD_GATEWAY = _c("5021", "500", 502, False, "request", "Cổng tạm thời không phản hồi (502), đề nghị gửi lại",
                     "Gateway not answering (502), please resend")
    UNAVAILABLE = _c("5031", "500", 503, False, "request", "Hệ thống đang quá tải (503), đề nghị gửi lại sau",
                     "Service overloaded (503), please resend later")
    MAINTENANCE = _c("5032", "500", 503, False, "request", "Hệ thống đang bảo trì (503), đề nghị gửi lại sau",
                     "Maintenance window (503), please resend later")

    REQUEST_TIMEOUT = _c("5081", "500", 408, False, "request",
                         "Không nhận đủ yêu cầu trong thời gian chờ (gửi quá chậm hoặc bị ngắt giữa chừng), đề nghị gửi lại",
                         "The request did not arrive in time (too slow or cut off), please resend")

    # --- sandbox request codes (maLoi), grouped under their official family -----------------------
    FIELD_MISSING = _c("2051", "205", 400, False, "request",
                       "Thiếu hoặc sai tham số bắt buộc", "A required parameter is missing or malformed")
    LOAI_HO_SO_MISMATCH = _c("2052", "205", 400, False, "request",
                             "loaiHoSo không phù hợp với chức năng gọi",
                             "loaiHoSo does not fit this endpoint")
    NOT_BASE64 = _c("2053", "205", 400, False, "request",
                    "fileHSBase64 không phải chuỗi base64 hợp lệ", "fileHSBase64 is not valid base64")
    MA_TINH_MISMATCH = _c("2054", "205", 400, False, "request",
                          "maTinh phải là 2 chữ số đầu của maCSKCB",
                          "maTinh must be the first two digits of maCSKCB")
    MA_CSKCB_FORMAT = _c("2055", "205", 400, False, "request",
                         "maCSKCB phải gồm 5 chữ số", "maCSKCB must be 5 digits")
    USERNAME_MISMATCH = _c("4037", "403", 403, False, "request",
                           "username không trùng với tài khoản của token",
                           "username is not the account the token was issued to")
    TOKEN_MISSING = _c("4011", "401", 401, False, "request",
                       "Thiếu accessToken/tokenId trong header", "accessToken/tokenId header missing")
    TOKEN_EXPIRED = _c("4012", "401", 401, False, "request",
                       "Token đã hết hạn, đề nghị lấy token mới", "Token expired, take a new one")
    TOKEN_INVALID = _c("4013", "401", 401, False, "request",
                       "Token không hợp lệ", "Token not recognised (forged or revoked)")
    BAD_CREDENTIALS = _c("4014", "401", 401, False, "request",
                         "Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password")
    ACCOUNT_LOCKED = _c("4015", "401", 401, False, "request",
                        "Tài khoản tạm khóa do đăng nhập sai nhiều lần",
                        "Account locked after repeated failed logins")
    PASSWORD_HASH_MISMATCH = _c("4016", "401", 401, False, "request",
                                "passwordHash trong header không đúng",
                                "passwordHash header does not match the account")
    ACCOUNT_INACTIVE = _c("4031", "403", 403, False, "request",
                          "Tài khoản đã bị vô hiệu hóa", "Account is disabled")
    FACILITY_SUSPENDED = _c("4032", "403", 403, False, "request",
                            "Cơ sở KCB đang bị tạm ngừng liên thông", "Facility is suspended")
    FACILITY_NOT_OWNED = _c("4033", "403", 403, False, "request",
                            "maCSKCB không phải cơ sở của tài khoản",
                            "maCSKCB is not the account's facility")
    ENVELOPE_FACILITY_MISMATCH = _c("4034", "403", 403, False, "request",
                                    "MACSKCB trong hồ sơ khác maCSKCB gửi kèm",
                                    "The envelope's MACSKCB differs from maCSKCB")
    IP_NOT_ALLOWED = _c("4035", "403", 403, False, "request",
                        "Địa chỉ IP chưa được đăng ký cho tài khoản (CV 1923)",
                        "Caller IP is not registered for this account (CV 1923)")
    ADMIN_TOKEN_INVALID = _c("4036", "403", 403, False, "request",
                             "Thiếu hoặc sai admin token", "Admin token missing or wrong")
    # VNeID simulator (sandbox codes; messages of the seed plans' annexes where they give one)
    VNEID_LOGIN_FAILED = _c("4101", "401", 401, False, "request",
                            "Số định danh cá nhân hoặc mật khẩu không đúng", "Wrong personal ID or password")
    VNEID_SESSION = _c("4102", "401", 401, False, "request",
                       "Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại",
                       "VNeID session missing or expired, log in again")
    VNEID_PASSCODE = _c("4103", "401", 401, False, "request", "Passcode không đúng", "Wrong passcode")
    VNEID_PASSCODE_REQUIRED = _c("4104", "401", 401, False, "request",
                                 "Vui lòng nhập passcode đã cài đặt", "Enter your passcode first")
    VNEID_LOCKED = _c("4105", "401", 401, False, "request",
                      "Bạn đã nhập sai quá số lần quy định", "Too many wrong attempts")
    VNEID_LEVEL = _c("4301", "403", 403, False, "request",
                     "Chức năng chỉ dành cho tài khoản định danh điện tử mức 2",
                     "Only level-2 electronic identification accounts can use this")
    VNEID_NO_CARD = _c("4302", "403", 403, False, "request",
                       "Không thể sử dụng chức năng vì Thông tin thẻ bảo hiểm y tế chưa được tích hợp vào ví giấy tờ. "
                       "Thực hiện tích hợp thẻ BHYT để nhận thông tin Sổ sức khỏe điện tử trên VNeID",
                       "The BHYT card is not in the document wallet yet: add it to receive the health book")
    VNEID_CONSENT = _c("4303", "403", 403, False, "request",
                       "Thông tin về lịch sử khám chữa bệnh bảo hiểm y tế của bạn sẽ được tích hợp hiển thị trên "
                       "ứng dụng VNeID. Vui lòng xác nhận để hệ thống tiếp tục xử lý",
                       "Your BHYT visit history will be shown in VNeID. Please confirm to continue")
    VNEID_CARD_NOT_FOUND = _c("4304", "404", 404, False, "request",
                              "Không tìm thấy thông tin thẻ BHYT", "BHYT card not found")
    VNEID_CARD_NOT_OWNER = _c("4305", "403", 403, False, "request",
                              "Thẻ BHYT không thuộc về công dân này", "The BHYT card belongs to someone else")
    VNEID_CARD_INVALID = _c("4306", "403", 403, False, "request",
                            "Thẻ BHYT không còn giá trị sử dụng", "The BHYT card is no longer valid")
    VNEID_NOT_DEPENDANT = _c("4307", "403", 403, False, "request",
                             "Bạn chỉ quản lý được Sổ sức khỏe của trẻ em dưới 14 tuổi do bạn giám hộ",
                             "You can only manage the books of children under 14 in your care")
    # Province users (Sở Y tế, BHXH tỉnh) on /so-y-te/
    PROVINCE_LOGIN_FAILED = _c("4201", "401", 401, False, "request",
                               "Tên đăng nhập hoặc mật khẩu không đúng", "Wrong username or password")
    PROVINCE_LOCKED = _c("4202", "401", 401, False, "request",
                         "Đăng nhập sai quá số lần quy định, tài khoản tạm khóa", "Too many wrong attempts: locked for a while")
    PROVINCE_SESSION = _c("4203", "401", 401, False, "request",
                          "Phiên làm việc không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại",
                          "Session missing or expired, log in again")
    PROVINCE_SCOPE = _c("4204", "403", 403, False, "request",
                        "Cơ sở này không thuộc tỉnh bạn quản lý", "This facility is not in your province")
    SIGN_OFF_PRECONDITION = _c("4205", "409", 409, False, "request",
                               "Chưa đủ điều kiện xác nhận sẵn sàng", "The facility cannot be signed off yet")
    ONBOARDING_LIMIT = _c("4206", "409", 429, False, "request",
                          "Đã có nhiều đề nghị đang chờ xử lý gửi từ địa chỉ này, vui lòng chờ Sở Y tế/BHXH giải quyết",
                          "Too many pending requests from this address: wait for the Sở Y tế / BHXH to decide")
    SHARE_CODE_INVALID = _c("4308", "403", 403, False, "request",
                            "Mã chia sẻ không đúng, đã hết hạn hoặc đã bị thu hồi",
                            "Share code unknown, expired or revoked")
    NOT_WELL_FORMED = _c("1231", "123", 400, False, "request",
                         "File không phải XML hợp lệ (không đúng cú pháp)", "File is not well-formed XML")
    WRONG_ROOT = _c("1232", "123", 400, False, "request",
                    "Phần tử gốc không đúng loại hồ sơ của chức năng gọi",
                    "Root element is not the document this endpoint expects")
    FORBIDDEN_XML = _c("1233", "123", 400, False, "request",
                       "File chứa DTD/khai báo thực thể không được phép",
                       "File contains a DTD or entity declarations, which are refused")
    NOT_UTF8 = _c("1234", "123", 400, False, "request",
                  "File không được mã hóa UTF-8", "File is not UTF-8 encoded")
    TOO_DEEP = _c("1235", "123", 400, False, "request",
                  "XML lồng nhau quá sâu (quá 256 cấp)", "XML nested too deeply (over 256 levels)")
    NOT_FOUND = _c("4041", "404", 404, False, "request",
                   "Không tìm thấy dữ liệu yêu cầu", "Requested record not found")
    CONFLICT = _c("4091", "409", 409, False, "request",
                  "Dữ liệu đã tồn tại", "Record already exists")
    INVALID_INPUT = _c("4221", "422", 422, False, "request",
                       "Dữ liệu quản trị không hợp lệ", "Invalid administration input")

    # --- finding codes (portal dsLoi) ------------------------------------------------------------
    ENV_NO_HOSO = _c("ENV-001", "123", 200, False, "finding",
                     "Hồ sơ không có HOSO nào trong DANHSACHHOSO",
                     "The envelope holds no HOSO in DANHSACHHOSO")
    ENV_NO_XML1 = _c("ENV-002", "123", 200, False, "finding",
                     "HOSO thiếu bảng XML1 (bắt buộc)", "HOSO lacks the mandatory XML1 table")
    ENV_BAD_CONTENT = _c("ENV-003", "123", 200, False, "finding",
                         "NOIDUNGFILE không giải mã được (base64/UTF-8/XML)",
                         "NOIDUNGFILE cannot be decoded (base64/UTF-8/XML)")
    ENV_NO_MA_LK = _c("ENV-004", "123", 200, False, "finding",
                      "Bảng XML1 thiếu MA_LK", "XML1 has no MA_LK")
    # structural checks (no business knowledge)
    STR_COUNT = _c("STR-001", "123", 200, False, "finding",
                   "SOLUONGHOSO khác số HOSO trong DANHSACHHOSO", "SOLUONGHOSO differs from the number of HOSO")
    STR_MA_LK = _c("STR-002", "123", 200, False, "finding",
                   "MA_LK của bảng khác MA_LK của XML1 trong cùng HOSO",
                   "MA_LK of a table differs from XML1's MA_LK in the same HOSO")
    STR_DUP_LOAI = _c("STR-003", "123", 200, False, "finding",
                      "Một HOSO có hai FILEHOSO cùng LOAIHOSO", "Two FILEHOSO with the same LOAIHOSO in one HOSO")
    STR_STT = _c("STR-004", "123", 200, False, "finding",
                 "STT phải chạy liên tục từ 1", "STT must run 1, 2, 3 …")
    STR_DUP_MA_LK = _c("STR-005", "123", 200, False, "finding",
                       "Hai HOSO trong cùng gói có cùng MA_LK", "Two HOSO of one envelope share a MA_LK")
    # XSD (schema) findings
    XSD_OTHER = _c("XSD-000", "123", 200, False, "finding",
                   "Không đúng cấu trúc XSD", "Does not match the XSD")
    XSD_MISSING = _c("XSD-001", "123", 200, False, "finding",
                     "Thiếu phần tử bắt buộc", "Required element missing")
    XSD_EMPTY = _c("XSD-002", "123", 200, False, "finding",
                   "Phần tử bắt buộc để trống", "Required element is empty")
    XSD_TOO_LONG = _c("XSD-003", "123", 200, False, "finding",
                      "Giá trị dài quá kích thước tối đa", "Value longer than the maximum size")
    XSD_FORMAT = _c("XSD-004", "123", 200, False, "finding",
                    "Giá trị sai định dạng", "Value has the wrong format")
    XSD_UNKNOWN = _c("XSD-005", "123", 200, False, "finding",
                     "Phần tử không thuộc bảng theo chuẩn đang dùng", "Element is not part of this table in this profile")
    XSD_ORDER = _c("XSD-006", "123", 200, False, "finding",
                   "Phần tử sai thứ tự (chế độ kiểm tra thứ tự chặt)", "Element out of order (strict order mode)")
    XSD_REPEATED = _c("XSD-007", "123", 200, False, "finding",
                      "Phần tử xuất hiện nhiều lần", "Element appears more than once")
    XSD_ROOT = _c("XSD-008", "123", 200, False, "finding",
                  "Phần tử gốc không đúng với LOAIHOSO", "Root element does not match LOAIHOSO")
    XSD_LOAI = _c("XSD-009", "123", 200, False, "finding",
                  "LOAIHOSO không có trong chuẩn đang dùng", "LOAIHOSO does not exist in this profile")
    # signature (CHUKYDONVI)
    SIG_UNSIGNED_ALLOWED = _c("SIG-000", "200", 200, False, "finding",
                              "Hồ sơ chưa ký số (chỉ chấp nhận theo cấu hình trước 2026)",
                              "Unsigned (accepted only under the pre-2026 profile)")
    SIG_MISSING = _c("SIG-001", "401", 200, False, "finding",
                     "Thiếu chữ ký số trong CHUKYDONVI (bắt buộc từ 01/01/2026)",
                     "No signature in CHUKYDONVI (mandatory from 01/01/2026)")
    SIG_SEVERAL = _c("SIG-002", "401", 200, False, "finding",
                     "Có nhiều hơn một chữ ký số trong hồ sơ", "More than one signature in the document")
    SIG_LOCATION = _c("SIG-003", "401", 200, False, "finding",
                      "Chữ ký không nằm trong CHUKYDONVI (phần tử cuối của gốc)",
                      "Signature is not inside CHUKYDONVI (last child of the root)")
    SIG_REFERENCE = _c("SIG-004", "401", 200, False, "finding",
                       "Chữ ký không bao trùm toàn bộ hồ sơ (Reference phải là URI=\"\" và enveloped-signature)",
                       "The signature does not cover the whole document (one Reference URI=\"\" with enveloped-signature)")
    SIG_ALGORITHM = _c("SIG-005", "401", 200, False, "finding",
                       "Thuật toán ký/băm không được chấp nhận (SHA-1 bị từ chối)",
                       "Signature or digest algorithm not allowed (SHA-1 is refused)")
    SIG_NO_CERT = _c("SIG-006", "401", 200, False, "finding",
                     "KeyInfo phải chứa X509Certificate của cơ sở (đọc được)",
                     "KeyInfo must hold the facility's X509Certificate (readable)")
    SIG_NOT_REGISTERED = _c("SIG-007", "403", 200, False, "finding",
                            "Chứng thư số chưa được đăng ký cho cơ sở này",
                            "Certificate not registered for this facility")
    SIG_REVOKED = _c("SIG-008", "403", 200, False, "finding",
                     "Chứng thư số đã bị thu hồi", "Certificate has been revoked")
    SIG_EXPIRED = _c("SIG-009", "403", 200, False, "finding",
                     "Chứng thư số đã hết hạn", "Certificate has expired")
    SIG_NOT_YET_VALID = _c("SIG-010", "403", 200, False, "finding",
                           "Chứng thư số chưa đến ngày hiệu lực", "Certificate is not yet valid")
    SIG_UNTRUSTED = _c("SIG-011", "403", 200, False, "finding",
                       "Chứng thư số không do CA được tin cậy cấp", "Certificate not issued by a trusted CA")
    SIG_DIGEST = _c("SIG-012", "401", 200, False, "finding",
                    "Giá trị băm không khớp: nội dung đã bị thay đổi sau khi ký",
                    "Digest mismatch: the content was changed after signing")
    SIG_INVALID = _c("SIG-013", "401", 200, False, "finding",
                     "Chữ ký số không hợp lệ (không khớp khóa của chứng thư)",
                     "Signature value does not verify with the certificate's key")
    SIG_STRUCTURE = _c("SIG-014", "401", 200, False, "finding",
                       "Phần tử Signature không đúng cấu trúc XMLDSig",
                       "The Signature element does not follow the XMLDSig structure")
    SIG_UNCHECKABLE = _c("SIG-015", "401", 200, False, "finding",
                         "Không kiểm tra được chữ ký số (dữ liệu chữ ký không đọc được)",
                         "The signature could not be checked (unreadable signature data)")
    ENCODING_LABEL = _c("ENC-001", "200", 200, False, "finding",
                        "Khai báo encoding utf-16 nhưng nội dung là UTF-8 (đã đọc như UTF-8)",
                        "Declared encoding utf-16 but the bytes are UTF-8 (read as UTF-8)")
    PROVOKED_REJECTION = _c("SBX-001", "123", 200, False, "finding",
                            "Sandbox từ chối có chủ đích hồ sơ này để kiểm tra việc gửi lại (phiên chứng nhận): gửi lại hồ sơ",
                            "Rejected on purpose by the certification session to test the resend: send it again")
    CHECK_FAILED = _c("CHK-001", "200", 200, False, "finding",
                      "Một bước kiểm tra của sandbox gặp lỗi nội bộ và đã được bỏ qua cho hồ sơ này",
                      "A sandbox check failed internally and was skipped for this record")
    DUPLICATE = _c("DUP-001", "200", 200, False, "finding",
                   "Hồ sơ trùng lặp với lần gửi trước, không ghi nhận thêm",
                   "Identical to an earlier submission; nothing new recorded")
    REPLACED = _c("REP-001", "200", 200, False, "finding",
                  "Hồ sơ thay thế hồ sơ cùng MA_LK đã gửi trước đó (QĐ 3176)",
                  "Replaces the episode with the same MA_LK sent earlier (QĐ 3176)")
    PROCESSING_FAILED = _c("SYS-001", "500", 200, False, "finding",
                           "Lỗi hệ thống khi xử lý hồ sơ; hồ sơ sẽ được xử lý lại",
                           "Internal error while processing; the submission will be retried")


CODES: dict[str, CodeInfo] = {e.code: e for e in _ENTRIES}


def info(code: "ResultCode | str") -> CodeInfo:
    return CODES[code.value if isinstance(code, ResultCode) else code]


def all_codes() -> list[CodeInfo]:
    return list(_ENTRIES)


# --- card check (POST /api/egw/KQNhanLichSuKCB2024) -------------------------------
# Its own numbering (several numbers, e.g. 123, mean something else on the submission endpoints).
@dataclass(frozen=True)
class CardCodeInfo:
    code: str
    vi: str
    en: str


CARD_CODES: dict[str, CardCodeInfo] = {c.code: c for c in (
    CardCodeInfo("000", "Thông tin thẻ chính xác", "Card information correct"),
    CardCodeInfo("001", "Thẻ do BHXH Bộ Quốc phòng quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân",
                 "Card managed by BHXH of the Ministry of Defence: check card and ID papers"),
    CardCodeInfo("002", "Thẻ do BHXH Bộ Công an quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân",
                 "Card managed by BHXH of the Ministry of Public Security: check card and ID papers"),
    CardCodeInfo("003", "Thẻ cũ hết giá trị sử dụng, được cấp thẻ mới", "Old card expired; a new card has been issued"),
    CardCodeInfo("004", "Thẻ cũ còn giá trị sử dụng, được cấp thẻ mới", "Old card still valid; a new card has been issued"),
    CardCodeInfo("010", "Thẻ hết giá trị sử dụng", "Card expired"),
    CardCodeInfo("050", "Không thấy thông tin thẻ BHYT", "No card information"),
    CardCodeInfo("051", "Mã thẻ không đúng", "Card number wrong"),
    CardCodeInfo("052", "Mã tỉnh cấp thẻ (ký tự thứ 4, 5) không đúng", "Province code (chars 4–5) wrong"),
    CardCodeInfo("053", "Mã quyền lợi thẻ (ký tự thứ 3) không đúng", "Benefit code (char 3) wrong"),
    CardCodeInfo("054", "CCCD cán bộ tra cứu không có trong danh sách người dùng của cơ sở",
                 "CCCD of the lookup officer is not in the facility's user list"),
    CardCodeInfo("055", "Họ tên cán bộ tra cứu không khớp với CCCD", "Lookup officer's name does not match the CCCD"),
    CardCodeInfo("060", "Thẻ sai họ tên", "Wrong name"),
    CardCodeInfo("061", "Thẻ sai họ tên (đúng ký tự đầu)", "Wrong name (first character correct)"),
    CardCodeInfo("070", "Thẻ sai ngày sinh", "Wrong date of birth"),
    CardCodeInfo("100", "Lỗi khi lấy dữ liệu số thẻ", "Error reading card data"),
    CardCodeInfo("101", "Lỗi server", "Server error"),
    CardCodeInfo("110", "Thẻ đã thu hồi", "Card withdrawn"),
    CardCodeInfo("120", "Thẻ đã báo giảm", "Card reported as reduced"),
    CardCodeInfo("121", "Thẻ đã báo giảm. Giảm chuyển ngoại tỉnh", "Reduced: moved to another province"),
    CardCodeInfo("122", "Thẻ đã báo giảm. Giảm chuyển nội tỉnh", "Reduced: moved within the province"),
    CardCodeInfo("123", "Thẻ đã báo giảm. Do tăng lại cùng đơn vị", "Reduced: re-increased in the same unit"),
    CardCodeInfo("124", "Thẻ đã báo giảm. Ngừng tham gia", "Reduced: stopped participating"),
    CardCodeInfo("130", "Trẻ em không xuất trình thẻ", "Child without card presented"),
    CardCodeInfo("205", "Lỗi sai định dạng tham số", "Parameter format error"),
    CardCodeInfo("401", "Lỗi xác thực tài khoản", "Authentication error"),
    CardCodeInfo("500", "Lỗi không xác định", "Server error"),
)}
