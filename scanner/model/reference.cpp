#include "scanner/model/reference.hpp"

namespace regscand::scanner {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool is_valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  std::size_t i = 0;
  while (i < c.size()) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < c.size() && !is_lower_alnum(c[i])) ++i;
    const auto sep = c.substr(start, i - start);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (sep != "." && sep != "_" && sep != "__" && !dashes) return false;
  }
  return true;
}

}  // namespace

bool is_valid_repository(std::string_view name) {
  if (name.empty() || name.size() > kMaxRepositoryLength) return false;
  while (true) {
    const auto slash = name.find('/');
    if (!is_valid_component(name.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
  }
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (word) continue;
    if (i > 0 && (c == '.' || c == '-')) continue;
    return false;
  }
  return true;
}

}  // namespace regscand::scanner
