#include "scanner/registry/catalog.hpp"

#include <cctype>

#include "config/base/json_input.hpp"
#include "config/base/percent.hpp"

namespace regscand::scanner::registry {
namespace {

constexpr std::size_t kMaxListDepth = 8;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// True when a rel value (already unquoted) lists "next" among its space-separated relation types.
bool rel_has_next(std::string_view rel) {
  while (!rel.empty()) {
    const auto space = rel.find(' ');
    if (iequals(rel.substr(0, space), "next")) return true;
    if (space == std::string_view::npos) return false;
    rel.remove_prefix(space + 1);
  }
  return false;
}

// The parameters of one link after its `<uri>`: `; name=value` or `; name="value"`. Sets `next` when a rel
// parameter names it; false when malformed. `pos` ends after the entry's closing comma (or at the end).
bool scan_params(std::string_view value, std::size_t& pos, bool& next) {
  while (true) {
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
    if (pos == value.size()) return true;
    if (value[pos] == ',') {
      ++pos;
      return true;
    }
    if (value[pos] != ';') return false;
    ++pos;
    const auto eq = value.find_first_of("=;,", pos);
    const auto name =
        trim(value.substr(pos, eq == std::string_view::npos ? std::string_view::npos : eq - pos));
    if (eq == std::string_view::npos || value[eq] != '=') {  // a parameter without a value
      pos = eq == std::string_view::npos ? value.size() : eq;
      continue;
    }
    pos = eq + 1;
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
    std::string param;
    if (pos < value.size() && value[pos] == '"') {
      ++pos;
      while (pos < value.size() && value[pos] != '"') {
        if (value[pos] == '\\' && pos + 1 < value.size()) ++pos;
        param.push_back(value[pos++]);
      }
      if (pos == value.size()) return false;  // unterminated quoted string
      ++pos;
    } else {
      const auto end = value.find_first_of(";,", pos);
      param = std::string(
          trim(value.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
      pos = end == std::string_view::npos ? value.size() : end;
    }
    if (iequals(name, "rel") && rel_has_next(param)) next = true;
  }
}

Result<std::vector<std::string>> parse_names(std::string_view body, const char* what, const char* key) {
  auto doc = parse_json(body, JsonLimits{.max_depth = kMaxListDepth, .max_bytes = body.size()});
  if (!doc) return fail(ErrorCode::InvalidArgument, std::string(what) + ": " + doc.error().message);
  if (!doc->is_object()) return fail(ErrorCode::InvalidArgument, std::string(what) + ": not a JSON object");
  std::vector<std::string> names;
  const auto it = doc->find(key);
  if (it == doc->end() || it->is_null()) return names;
  if (!it->is_array()) {
    return fail(ErrorCode::InvalidArgument, std::string(what) + ": \"" + key + "\" is not an array");
  }
  names.reserve(it->size());
  for (const auto& name : *it) {
    if (!name.is_string()) {
      return fail(ErrorCode::InvalidArgument, std::string(what) + ": \"" + key + "\" holds a non-string");
    }
    names.push_back(name.get<std::string>());
  }
  return names;
}

}  // namespace

std::optional<std::string> parse_link_next(std::string_view value) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t' || value[pos] == ',')) ++pos;
    if (pos == value.size()) return std::nullopt;
    if (value[pos] != '<') return std::nullopt;
    const auto close = value.find('>', pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    const auto uri = value.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    bool next = false;
    if (!scan_params(value, pos, next)) return std::nullopt;
    if (next) return uri.empty() ? std::nullopt : std::optional<std::string>(uri);
  }
  return std::nullopt;
}

std::optional<std::string> query_value(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  while (true) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return text::percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                                  true);
    }
    if (amp == std::string_view::npos) return std::nullopt;
    query.remove_prefix(amp + 1);
  }
}

Result<std::vector<std::string>> parse_repository_list(std::string_view body) {
  return parse_names(body, "catalog", "repositories");
}

Result<std::vector<std::string>> parse_tag_list(std::string_view body) {
  return parse_names(body, "tags list", "tags");
}

}  // namespace regscand::scanner::registry
