-- wrk script: POST pre-built distinct envelopes (body files listed in WRK_BODIES) with the auth headers.
local bodies = {}
local i = 0
function init(args)
  for line in io.lines(os.getenv("WRK_BODIES")) do
    local f = io.open(line, "rb"); bodies[#bodies + 1] = f:read("*a"); f:close()
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["accessToken"] = os.getenv("WRK_AT")
  wrk.headers["tokenId"] = os.getenv("WRK_IT")
  wrk.headers["passwordHash"] = os.getenv("WRK_PW")
end
function request()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
