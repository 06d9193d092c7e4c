// Liveness and readiness, both open (no token):
//   GET /healthz  200 {"status":"ok"} while the process serves HTTP at all;
//   GET /readyz   runs `readiness` on the blocking pool: 200 {"status":"ready"}, or
//                 503 {"error":{"code":"unavailable","message":"<reason>"}}.
#pragma once

#include <functional>

#include "config/base/error.hpp"
#include "server/http/router.hpp"

namespace regscand::server::api {

// May block (it typically pings the database); must not throw.
using ReadinessCheck = std::function<Result<void>()>;

void add_health_routes(http::Router& router, ReadinessCheck readiness);

}  // namespace regscand::server::api
