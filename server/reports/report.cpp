#include "server/reports/report.hpp"

#include <cctype>

namespace regscand::server::reports {

int severity_rank(std::string_view severity) {
  if (severity == "critical") return 5;
  if (severity == "high") return 4;
  if (severity == "medium") return 3;
  if (severity == "low") return 2;
  if (severity == "negligible") return 1;
  return 0;
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
