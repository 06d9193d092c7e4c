-- GETs the paths listed (one per line) in $BENCH_PATHS in turn, with "Authorization: Bearer $BENCH_TOKEN";
-- each connection waits $BENCH_DELAY_MS (default 0) between its requests to pace the rate.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local next_path = 0

function init(args)
  next_path = math.random(#paths) - 1
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path], headers)
end

function delay()
  return pause
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f non2xx=%d timeouts=%d p50_ms=%.2f p99_ms=%.2f\n",
      summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.timeout,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
