done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f non2xx=%d p50_ms=%.2f p99_ms=%.2f\n",
      summary.requests, summary.duration / 1e6, summary.errors.status, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000))
end
