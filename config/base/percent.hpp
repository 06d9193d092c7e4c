// Percent coding (RFC 3986 section 2.1), one implementation for every layer that reads or writes URLs, query
// strings, registry Link headers and package URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace regscand::text {

// `text` with each %XX decoded, and '+' as a space when `plus_is_space` (query strings). nullopt when a '%'
// is not followed by two hex digits or encodes NUL, which no name or value decoded here may hold.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// `text` with every byte but ASCII letters, digits and the characters in `keep` written as %XX (upper-case
// hex). percent_encode(s, "-._~") keeps exactly RFC 3986's unreserved set.
std::string percent_encode(std::string_view text, std::string_view keep);

}  // namespace regscand::text
