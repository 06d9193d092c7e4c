#include <cstdint>
#include <string_view>

#include "scanner/feeds/alpine/secdb.hpp"
#include "scanner/feeds/detect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)regscand::scanner::feeds::alpine::parse_secdb(text, "fuzz.json");
  (void)regscand::scanner::feeds::alpine::entry_ids(text);
  (void)regscand::scanner::feeds::detect_feed_content(text);
  return 0;
}
