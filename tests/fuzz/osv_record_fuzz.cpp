// OSV records, CVSS vectors and OSV zips from the same bytes: no crash, every failure an error value. Zip
// inputs run under small entry and size caps.
#include <cstdint>
#include <string_view>

#include "scanner/feeds/cvss/cvss.hpp"
#include "scanner/feeds/osv/importer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)regscand::scanner::feeds::osv::parse_osv_record(text, "fuzz.json");
  (void)regscand::scanner::feeds::cvss::score(text);
  if (text.starts_with("PK")) {
    (void)regscand::scanner::feeds::osv::import_osv_zip_bytes(
        text, {.max_entries = 64, .max_total_bytes = 1 << 22});
  }
  return 0;
}
