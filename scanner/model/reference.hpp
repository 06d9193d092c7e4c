// Names from the OCI distribution spec: repository names and tags, validated against its grammar.
#pragma once

#include <string_view>

namespace regscand::scanner {

inline constexpr std::size_t kMaxRepositoryLength = 255;

// path-component ("/" path-component)*, path-component = [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, <= 255 bytes.
bool is_valid_repository(std::string_view name);

// [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
bool is_valid_tag(std::string_view tag);

}  // namespace regscand::scanner
