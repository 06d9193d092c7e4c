// Typed reads of untrusted JSON fields; errors name the field path ("events[2].target.digest: ...").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"
#include "scanner/model/digest.hpp"

namespace regscand::server::webhooks {

// A required string member.
[[nodiscard]] Result<std::string> required_string(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view path);
// An optional string member: "" when absent or null; an error when present with another type.
[[nodiscard]] Result<std::string> optional_string(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view path);
// An optional non-negative integer member (0 when absent).
[[nodiscard]] Result<std::int64_t> optional_size(const nlohmann::json& obj, std::string_view key,
                                                 std::string_view path);
// A required object member.
[[nodiscard]] Result<const nlohmann::json*> required_object(const nlohmann::json& obj, std::string_view key,
                                                            std::string_view path);
// A digest string; `path` names it in the error.
[[nodiscard]] Result<scanner::Digest> parse_digest_field(const std::string& text, std::string_view path);
// A repository name that must follow the distribution grammar.
[[nodiscard]] Result<std::string> checked_repository(std::string name, std::string_view path);
// A tag that must follow the distribution grammar ("" allowed).
[[nodiscard]] Result<std::string> checked_tag(std::string tag, std::string_view path);

}  // namespace regscand::server::webhooks
