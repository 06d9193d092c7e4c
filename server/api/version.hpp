// GET /v1/version (role reader): {"name":"regscand","version":"<PROJECT_VERSION>"[,"git":"<commit>"]}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http/router.hpp"

namespace regscand::server::api {

// The project version CMake was configured with ("0.1.0").
std::string_view version();

void add_version_routes(http::Router& router, std::optional<std::string> git_commit = std::nullopt);

}  // namespace regscand::server::api
