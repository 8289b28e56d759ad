-- wrk script: POST pre-built distinct bodies (files listed in WRK_BODIES, of type WRK_CONTENT_TYPE, a
-- form by default) with the gateway's auth headers; counts the answers that are not the expected one
-- (WRK_OK, a Lua pattern; default maKetQua "200"): a refusal is never counted as an answer.
-- Thread k of WRK_THREADS (default 2) sends bodies k, k + n, k + 2n …: no two threads send the same one.
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
local bodies = {}
local i = 0
function init(args)
  for line in io.lines(os.getenv("WRK_BODIES")) do
    local f = io.open(line, "rb"); bodies[#bodies + 1] = f:read("*a"); f:close()
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/x-www-form-urlencoded"
  wrk.headers["accessToken"] = os.getenv("WRK_AT")
  wrk.headers["tokenId"] = os.getenv("WRK_IT")
  wrk.headers["passwordHash"] = os.getenv("WRK_PW")
end
resent = 0
function request()
  local n = tonumber(os.getenv("WRK_THREADS") or "2")
  local raw = i * n + (id or 0)
  local index = raw % #bodies
  -- each thread walks its own share of the pool: a thread that runs ahead wraps around first
  if raw >= #bodies then resent = resent + 1 end
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[index + 1])
end
refused = 0
local ok = os.getenv("WRK_OK") or '"maKetQua": *"200"'
function response(status, headers, body)
  if status ~= 200 or not string.find(body, ok) then refused = refused + 1 end
end
function done(summary, latency, requests)
  local total, again = 0, 0
  for _, t in ipairs(threads) do total = total + t:get("refused"); again = again + t:get("resent") end
  io.write(string.format("refused: %d\n", total))
  -- bodies a thread had sent before (its share of the pool used up), answered or not
  io.write(string.format("resent: %d\n", again))
end
