// POST /v1/webhooks/{registry}: the registry notification endpoint. The registry's webhook token
// authenticates the request (Bearer, Basic password, or the bare token as Harbor sends it; compared in
// constant time), its `kind` picks the parser, and the request is answered 202 only after its events are
// committed (group commit through InboxWriter). Database down: 503, so the registry retries.
#pragma once

#include "config/config.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/webhooks/inbox_writer.hpp"

namespace regscand::server::webhooks {

// `config` and `writer` must outlive the router's server.
void add_webhook_routes(http::Router& router, const config::Config& config, InboxWriter& writer,
                        http::Metrics& metrics);

// The token a request presents: "Bearer T" -> T, "Basic base64(user:T)" -> T, anything else -> as is.
std::string presented_webhook_token(std::string_view authorization);

}  // namespace regscand::server::webhooks
