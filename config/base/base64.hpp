// Base64 (RFC 4648): the standard alphabet (section 4) for HTTP Basic credentials and Docker config files,
// the URL- and filename-safe one (section 5) for page cursors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace regscand::text {

enum class Base64Alphabet { Standard, Url };

// `bytes` encoded; Standard pads with '=' to a multiple of 4 characters, Url writes no padding.
std::string base64_encode(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::Standard);

// The bytes `text` encodes, with or without its padding. nullopt on a character outside the alphabet, a
// misplaced or superfluous '=', a length no encoding has, or non-zero bits after the last byte (only one
// encoding of each byte string is accepted).
std::optional<std::string> base64_decode(std::string_view text,
                                         Base64Alphabet alphabet = Base64Alphabet::Standard);

}  // namespace regscand::text
