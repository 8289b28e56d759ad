-- wrk script: GET /vneid/api/health-book/visits?nam=… with a citizen's session (WRK_SESSION), a different
-- year each request (2016–2025); counts answers that are not a year of history ("luotKham") as refused.
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", "/vneid/api/health-book/visits?nam=" .. (2016 + (i % 10)),
                    {["X-VNeID-Session"] = os.getenv("WRK_SESSION")})
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
refused = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"luotKham"') then refused = refused + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("refused") end
  io.write(string.format("refused: %d\n", total))
end
