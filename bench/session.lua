-- wrk script for Sprout's load benchmark (bench/run, bench/load.py).
--
-- Reads the requests to make from the file named by $SPROUT_BENCH_REQUESTS,
-- one per line: "<Cookie header value><TAB><path>" (an empty cookie for
-- /healthz). The lines are the signed-in sessions' page visits, session after
-- session; each wrk thread walks the list from its own starting point, so the
-- connections together keep every session busy.
--
-- A response other than 200 counts as an error (a redirect to /login would
-- mean a lost session, a 403 a refused page): wrk itself only counts socket
-- errors and timeouts. done() prints one machine-readable line.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  reqs = {}
  local file = os.getenv("SPROUT_BENCH_REQUESTS")
  for line in io.lines(file) do
    local cookie, path = line:match("^(.-)\t(.+)$")
    if path then
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      reqs[#reqs + 1] = wrk.format("GET", path, headers)
    end
  end
  errors = 0
  -- Threads start at evenly spread points of the list.
  i = math.floor((id - 1) * #reqs / counter_total()) % #reqs
end

function counter_total()
  local n = tonumber(os.getenv("SPROUT_BENCH_THREADS") or "1")
  if n < 1 then n = 1 end
  return n
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local lua_errors = 0
  for _, t in ipairs(threads) do
    lua_errors = lua_errors + t:get("errors")
  end
  local e = summary.errors
  io.write(string.format(
    "SPROUT_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d bad_status=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, lua_errors, e.connect + e.read + e.write + e.timeout))
end
