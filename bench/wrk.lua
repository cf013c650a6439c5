-- wrk script for bench/run.py. The arguments after `--` are request paths,
-- sent in turn; a path may carry a tab and an ETag to send as If-None-Match.
-- A first argument "offset=N" starts the turn at the Nth path.
-- BENCH_DELAY_MS paces each connection (a moderate, steady request rate).
-- When done, prints one line: WRK_JSON {...} with the latency percentiles.

local requests = {}
local next_request = 0

function init(args)
  local offset = 0
  for _, arg in ipairs(args) do
    if arg:match("^offset=%d+$") then
      offset = tonumber(arg:sub(8))
    else
      local path, etag = arg:match("^([^\t]+)\t?(.*)$")
      local headers = {}
      if etag ~= "" then
        headers["If-None-Match"] = etag
      end
      table.insert(requests, wrk.format("GET", path, headers))
    end
  end
  next_request = offset % #requests
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if delay_ms then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, ' ..
    '"mean_us": %.1f, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
