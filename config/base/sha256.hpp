// SHA-256 of bytes, as lower-case hex (OpenSSL EVP).
#pragma once

#include <string>
#include <string_view>

namespace regscand {

std::string sha256_hex(std::string_view bytes);

}  // namespace regscand
