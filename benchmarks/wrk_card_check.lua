-- wrk script: card checks cycling over valid and refused cards of the demo population.
local bodies = {}
local i = 0
function init(args)
  local officer = ',"hoTenCb":"Nguyễn Thị Thu","cccdCb":"058190000001"}'
  bodies = {
    '{"maThe":"DN4585800000001","hoTen":"Trần Văn An","ngaySinh":"01/02/1985"' .. officer,
    '{"maThe":"5800000001","hoTen":"Trần Văn An","ngaySinh":"01/02/1985"' .. officer,
    '{"maThe":"GD4585800000006","hoTen":"Ngô Thị Mai","ngaySinh":"08/08/1988"' .. officer,
    '{"maThe":"HT3585800000005","hoTen":"Bùi Văn Sơn","ngaySinh":"07/07/1950"' .. officer,
    '{"maThe":"DN4585800000001","hoTen":"Lê Văn Bình","ngaySinh":"01/02/1985"' .. officer,
  }
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["accessToken"] = os.getenv("WRK_AT")
  wrk.headers["tokenId"] = os.getenv("WRK_IT")
  wrk.headers["passwordHash"] = os.getenv("WRK_PW")
end
function request()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
