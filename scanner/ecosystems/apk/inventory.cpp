#include "scanner/ecosystems/apk/inventory.hpp"

namespace regscand::scanner::ecosystems::apk {

Result<LayerPackages> parse_installed(std::string_view text, std::string_view path,
                                      const InstalledLimits& limits) {
  LayerPackages result;
  std::vector<Package>& out = result.packages;
  const std::string where(path);
  Package current;
  std::size_t records = 0;
  std::size_t line_number = 0;
  // false once the file is cut at max_records.
  auto finish = [&]() -> bool {
    if (current.name.empty() && current.version.empty()) return true;
    if (++records > limits.max_records) {
      result.problems.push_back(
          Problem::cut_short("apk", path, "max_records", limits.max_records,
                             "more than max_records " + std::to_string(limits.max_records) + " records"));
      return false;
    }
    if (!current.name.empty() && !current.version.empty()) {
      current.ecosystem = "apk";
      current.path = where;
      if (current.source_name.empty()) current.source_name = current.name;
      current.source_version = current.version;
      out.push_back(std::move(current));
    }
    current = Package{};
    return true;
  };
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (!finish()) return result;
      continue;
    }
    if (line.size() > limits.max_line_bytes) {
      result.problems.push_back(Problem::cut_short("apk", path, "max_line_bytes", limits.max_line_bytes,
                                                   "line " + std::to_string(line_number) +
                                                       " longer than max_line_bytes " +
                                                       std::to_string(limits.max_line_bytes)));
      return result;
    }
    if (line.size() < 2 || line[1] != ':') {
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
  finish();
  return result;
}

Result<LayerPackages> InstalledScanner::scan(const layers::LayerFiles& files) const {
  const std::string* content = files.find("lib/apk/db/installed");
  if (content == nullptr) return LayerPackages{};
  return parse_installed(*content, "lib/apk/db/installed");
}

}  // namespace regscand::scanner::ecosystems::apk
