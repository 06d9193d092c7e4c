#include "scanner/ecosystems/apk/inventory.hpp"

namespace regscand::scanner::ecosystems::apk {
namespace {

constexpr std::size_t kMaxRecords = 100'000;
constexpr std::size_t kMaxLine = 1 << 20;

}  // namespace

Result<std::vector<Package>> parse_installed(std::string_view text, std::string_view path) {
  std::vector<Package> out;
  const std::string where(path);
  Package current;
  std::size_t records = 0;
  std::size_t line_number = 0;
  auto finish = [&]() -> Result<void> {
    if (current.name.empty() && current.version.empty()) return {};
    if (++records > kMaxRecords)
      return fail(ErrorCode::ResourceExhausted, "apk: " + where + ": too many records");
    if (!current.name.empty() && !current.version.empty()) {
      current.ecosystem = "apk";
      current.path = where;
      if (current.source_name.empty()) current.source_name = current.name;
      current.source_version = current.version;
      out.push_back(std::move(current));
    }
    current = Package{};
    return {};
  };
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (auto done = finish(); !done) return std::unexpected(done.error());
      continue;
    }
    if (line.size() > kMaxLine || line.size() < 2 || line[1] != ':') {
      return fail(ErrorCode::InvalidArgument, "apk: " + where + ":" + std::to_string(line_number) +
                                                  ": not a \"X:value\" line: not an apk database");
    }
    const std::string value(line.substr(2));
    switch (line[0]) {
      case 'P':
        current.name = value;
        break;
      case 'V':
        current.version = value;
        break;
      case 'A':
        current.arch = value;
        break;
      case 'o':
        current.source_name = value;
        break;
      default:
        break;
    }
  }
  if (auto done = finish(); !done) return std::unexpected(done.error());
  return out;
}

Result<std::vector<Package>> InstalledScanner::scan(const layers::LayerFiles& files) const {
  const std::string* content = files.find("lib/apk/db/installed");
  if (content == nullptr) return std::vector<Package>{};
  return parse_installed(*content, "lib/apk/db/installed");
}

}  // namespace regscand::scanner::ecosystems::apk
