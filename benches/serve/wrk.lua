-- wrk's script for benches/serve: each thread presents the sampled keys
-- in turn from its own starting point. BENCH_MODE: "auth" (X-Api-Key on
-- BENCH_PATH), "dry" (POST a dry-run verify body), anything else a plain
-- GET. Prints one line: BENCH requests non2xx socket_errors micros p50 p99.
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS")) do keys[#keys + 1] = line end
local mode = os.getenv("BENCH_MODE")
local path = os.getenv("BENCH_PATH")
local threads = 0
local i = 0

function setup(thread)
  thread:set("start", threads * 997)
  threads = threads + 1
end

function init(args)
  i = start % #keys
end

function request()
  i = i % #keys + 1
  if mode == "auth" then
    return wrk.format("GET", path, { ["X-Api-Key"] = keys[i] })
  elseif mode == "dry" then
    local body = '{"key":"' .. keys[i] .. '","dry_run":true}'
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
  else
    return wrk.format("GET", path)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
