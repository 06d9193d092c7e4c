#include "server/reports/report.hpp"

#include <cctype>

namespace regscand::server::reports {

scanner::feeds::Severity severity_of(std::string_view severity) {
  return scanner::feeds::parse_severity(severity).value_or(scanner::feeds::Severity::Unknown);
}

std::string image_reference(const ReportImage& image) {
  std::string out = image.registry.empty() ? image.repository : image.registry + "/" + image.repository;
  return out + "@" + image.digest;
}

bool is_web_url(std::string_view url) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return false;
  }
  for (const unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\'' || c == '(' || c == ')' ||
        c == '\\' || c == '`') {
      return false;
    }
  }
  return true;
}

}  // namespace regscand::server::reports
