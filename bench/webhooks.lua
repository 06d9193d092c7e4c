-- wrk script: each request is a realistic CNCF distribution envelope (two blob pushes, one manifest
-- push, one blob pull), with event ids and a manifest digest unique to the request, so every request
-- commits one new manifest, one tag and one scan job.
-- setup() runs in wrk's main Lua state and numbers the threads; each thread reads its number from the
-- global `tid` that thread:set() puts in its own state (a file-level local would stay 0 in every thread).
local threads = {}
local started = 0
local counter = 0

function setup(thread)
  started = started + 1
  thread:set("tid", started)
  table.insert(threads, thread)
end

local function hex64(a, b)
  return string.format("%048x%08x%08x", 0, a, b)
end

local function event(id, action, media, digest, tag)
  local t = string.format('"mediaType":"%s","size":504,"digest":"sha256:%s","length":504,' ..
      '"repository":"bench/app","url":"http://registry:5000/v2/bench/app/manifests/sha256:%s"', media, digest, digest)
  if tag then t = t .. ',"tag":"' .. tag .. '"' end
  return string.format('{"id":"%s","timestamp":"2026-11-28T09:39:41.2Z","action":"%s","target":{%s},' ..
      '"request":{"id":"r","addr":"127.0.0.1:1","host":"registry:5000","method":"PUT","useragent":"skopeo/1.9.3"},' ..
      '"actor":{},"source":{"addr":"vm:5000","instanceID":"bench"}}', id, action, t)
end

request = function()
  counter = counter + 1
  local me = tid or 0
  local base = string.format("%d-%d", me, counter)
  local body = '{"events":[' ..
      event("l-" .. base, "push", "application/octet-stream", hex64(me + 1000, counter), nil) .. "," ..
      event("c-" .. base, "push", "application/octet-stream", hex64(me + 2000, counter), nil) .. "," ..
      event("m-" .. base, "push", "application/vnd.oci.image.manifest.v1+json", hex64(me, counter), "t" .. base) .. "," ..
      event("p-" .. base, "pull", "application/octet-stream", hex64(me + 1000, counter), nil) .. "]}"
  return wrk.format("POST", "/v1/webhooks/bench", {
    ["Content-Type"] = "application/vnd.docker.distribution.events.v1+json",
    ["Authorization"] = "Bearer bench-webhook-token-0123456789",
  }, body)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f non2xx=%d p50_ms=%.2f p99_ms=%.2f\n",
      summary.requests, summary.duration / 1e6, summary.errors.status, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000))
end
