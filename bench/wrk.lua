-- wrk script for bench/run.py: GET BENCH_PATH; with BENCH_COLD=1 every request gets its own
-- query string (?_bench=<thread>-<n>), so no cache of whole pages can answer it.
-- Every request on a new connection (Connection: close), as a proxy in front of gunicorn sends
-- them and as the issue's sync workers took them: with wrk's 16 kept-alive connections the
-- kernel sometimes gave all of them to one of the two workers, and that run measured one core.
local base = os.getenv("BENCH_PATH") or "/"
local cold = os.getenv("BENCH_COLD") == "1"
local sep = base:find("?", 1, true) and "&" or "?"
local made = 0
local counter = 0

function setup(thread)
  made = made + 1
  thread:set("tid", made)
end

function request()
  counter = counter + 1
  local path = base
  if cold then
    path = base .. sep .. "_bench=" .. tostring(tid) .. "-" .. tostring(counter)
  end
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip, br", ["Connection"] = "close" })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %f, "bytes": %d, "p50_us": %d, "p99_us": %d, '
      .. '"non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
