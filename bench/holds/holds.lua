-- wrk script: fans race to hold seats through POST /holds.
-- Env: PERFORMANCE (performance id), SEATS (how many seats fans aim at, numbered like the demo
-- catalog: A-1..A-100, B-1..), SECTION_SIZE (100).
-- MODE=random aims each attempt at a random seat (a race); MODE=walk lets each thread walk its
-- own share of the seats in order, so no two attempts of a run meet (the success path).
-- TOKENS names a file of "userId token" lines (./soldout dev-tokens); each thread takes every
-- THREADS-th line, and every request is the next fan, so the per-fan limits never refuse one
-- while there are more fans than requests.
local performance = os.getenv("PERFORMANCE") or "aurora-seoul-1"
local seats = tonumber(os.getenv("SEATS") or "100")
local sectionSize = tonumber(os.getenv("SECTION_SIZE") or "100")
local walk = os.getenv("MODE") == "walk"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  fans = {}
  local threadCount = tonumber(os.getenv("THREADS") or "2")
  local n = 0
  for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do
    if n % threadCount == id then
      local sp = line:find(" ")
      table.insert(fans, line:sub(sp + 1))
    end
    n = n + 1
  end
  math.randomseed(os.time() + id)
  -- wrk gives each thread its own Lua state; a thread's walk starts at its share of the seats.
  first = id * math.floor(seats / tonumber(os.getenv("THREADS") or "2"))
end

-- Sections are named like spreadsheet columns (A..Z, AA, AB..), as DemoCatalog names them.
local function sectionName(i)
  local name = ""
  repeat
    name = string.char(65 + i % 26) .. name
    i = math.floor(i / 26) - 1
  until i < 0
  return name
end

local function seatId(n)
  return sectionName(math.floor(n / sectionSize)) .. "-" .. tostring(n % sectionSize + 1)
end

function request()
  counter = counter + 1
  local n = walk and (first + counter - 1) % seats or math.random(0, seats - 1)
  local body = string.format('{"performanceId":"%s","seatId":"%s"}', performance, seatId(n))
  return wrk.format("POST", "/holds", {["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. fans[(counter - 1) % #fans + 1]}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local line = "statuses:"
  for status, n in pairs(totals) do
    line = line .. string.format(" %d=%d", status, n)
  end
  print(line)
  print(string.format("requests/s %.0f; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
      latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
