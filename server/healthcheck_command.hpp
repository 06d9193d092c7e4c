// `regscand healthcheck [URL]`: one GET, for container HEALTHCHECKs in an image with no curl or shell.
// Exit 0 on a 2xx answer within `timeout`, 1 otherwise (the reason on stderr). https is not verified: the
// probe targets the daemon's own listener.
#pragma once

#include <chrono>
#include <string>

namespace regscand::server {

inline constexpr const char* kDefaultHealthcheckUrl = "http://127.0.0.1:8080/healthz";

int run_healthcheck(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace regscand::server
