#include "scanner/feeds/debian/tracker.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"

namespace regscand::scanner::feeds::debian {
namespace {

using nlohmann::json;

struct Release {
  std::string_view codename;
  std::string_view number;
};

constexpr Release kReleases[] = {
    {"buzz", "1.1"},     {"rex", "1.2"},     {"bo", "1.3"},    {"hamm", "2.0"},  {"slink", "2.1"},
    {"potato", "2.2"},   {"woody", "3.0"},   {"sarge", "3.1"}, {"etch", "4.0"},  {"lenny", "5.0"},
    {"squeeze", "6.0"},  {"wheezy", "7"},    {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"},
    {"bullseye", "11"},  {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"duke", "15"},
    {"sid", "unstable"},
};

constexpr std::size_t kMaxIdBytes = 256;

// ---- The document's top-level members, found without building a tree.

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return pos;
}

// `pos` is at an opening quote; returns the index just past the closing one, npos when unterminated.
std::size_t string_end(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '\\') {
      ++pos;
      continue;
    }
    if (text[pos] == '"') return pos + 1;
  }
  return std::string_view::npos;
}

// The end of the value starting at `pos`: a string, a bracketed value (brackets inside strings ignored;
// mismatched kinds are left for parse_json to refuse) or a scalar. npos when the text ends first.
std::size_t value_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return std::string_view::npos;
  if (text[pos] == '"') return string_end(text, pos);
  if (text[pos] != '{' && text[pos] != '[') {
    while (pos < text.size() && !is_space(text[pos]) && text[pos] != ',' && text[pos] != '}' &&
           text[pos] != ']') {
      ++pos;
    }
    return pos;
  }
  std::size_t depth = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      pos = string_end(text, pos);
      if (pos == std::string_view::npos) return pos;
      continue;
    }
    ++pos;
    if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return pos;
    }
  }
  return std::string_view::npos;
}

// Calls visit(key_text, value_text) for each member of the top-level object, keys still JSON-quoted.
template <class Visit>
Result<void> for_each_member(std::string_view text, std::string_view where, Visit&& visit) {
  const auto broken = [&](std::size_t pos, std::string_view what) {
    return fail(ErrorCode::InvalidArgument, "debian-tracker: " + std::string(where) + ": byte " +
                                                std::to_string(pos) + ": " + std::string(what));
  };
  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;
  pos = skip_space(text, pos);
  if (pos >= text.size() || text[pos] != '{') return broken(pos, "not a JSON object");
  pos = skip_space(text, pos + 1);
  if (pos < text.size() && text[pos] == '}') {
    pos = skip_space(text, pos + 1);
    if (pos != text.size()) return broken(pos, "data after the object");
    return {};
  }
  while (true) {
    if (pos >= text.size() || text[pos] != '"') return broken(pos, "expected a package name");
    const std::size_t key_end = string_end(text, pos);
    if (key_end == std::string_view::npos) return broken(pos, "unterminated string");
    const std::string_view key = text.substr(pos, key_end - pos);
    pos = skip_space(text, key_end);
    if (pos >= text.size() || text[pos] != ':') return broken(pos, "expected ':'");
    pos = skip_space(text, pos + 1);
    const std::size_t end = value_end(text, pos);
    if (end == std::string_view::npos || end == pos) return broken(pos, "truncated value");
    visit(key, text.substr(pos, end - pos));
    pos = skip_space(text, end);
    if (pos < text.size() && text[pos] == ',') {
      pos = skip_space(text, pos + 1);
      continue;
    }
    if (pos < text.size() && text[pos] == '}') break;
    return broken(pos, "expected ',' or '}'");
  }
  pos = skip_space(text, pos + 1);
  if (pos != text.size()) return broken(pos, "data after the object");
  return {};
}

// ---- One (package, CVE) record.

// The string at `key`: nullopt when absent or null, an error when of another type.
std::expected<std::optional<std::string>, std::string> optional_string(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::unexpected(std::string(key) + " is not a string");
  return it->get<std::string>();
}

Severity urgency_severity(std::string_view urgency) {
  while (urgency.ends_with('*')) urgency.remove_suffix(1);
  if (urgency == "unimportant") return Severity::Negligible;
  if (urgency == "low") return Severity::Low;
  if (urgency == "medium") return Severity::Medium;
  if (urgency == "high") return Severity::High;
  return Severity::Unknown;
}

struct Converted {
  std::vector<Affected> affected;
  std::vector<std::string> unknown_releases;
  std::string description;
  std::optional<std::uint64_t> debianbug;
};

std::expected<Affected, std::string> convert_release(const json& release, std::string_view number,
                                                     std::string_view package) {
  if (!release.is_object()) return std::unexpected("not an object");
  auto status = optional_string(release, "status");
  auto fixed = optional_string(release, "fixed_version");
  auto urgency = optional_string(release, "urgency");
  auto nodsa = optional_string(release, "nodsa");
  auto nodsa_reason = optional_string(release, "nodsa_reason");
  for (const auto* field : {&status, &fixed, &urgency, &nodsa, &nodsa_reason}) {
    if (!*field) return std::unexpected(field->error());
  }
  if (!*status) return std::unexpected("no status");
  if (const auto repos = release.find("repositories"); repos != release.end() && !repos->is_null()) {
    if (!repos->is_object()) return std::unexpected("repositories is not an object");
    for (const auto& [name, version] : repos->items()) {
      if (!version.is_string()) return std::unexpected("repositories." + name + " is not a string");
    }
  }

  Affected a;
  a.ecosystem = "Debian:" + std::string(number);
  a.name = std::string(package);
  if (*urgency) {
    a.severity = urgency_severity(**urgency);
    a.severity_source = "debian-urgency";
  }
  const std::string& s = **status;
  if (s == "resolved") {
    if (!*fixed || (*fixed)->empty()) return std::unexpected("resolved without fixed_version");
    if (**fixed == "0") {
      a.fix_state = FixState::NotAffected;
      return a;
    }
    a.fix_state = FixState::Fixed;
    a.ranges.push_back(Range{Range::Type::Ecosystem,
                             {{RangeEvent::Kind::Introduced, "0"}, {RangeEvent::Kind::Fixed, **fixed}}});
    return a;
  }
  if (s != "open" && s != "undetermined") return std::unexpected("unknown status \"" + s + "\"");
  a.fix_state = FixState::NotFixed;
  const std::string_view eol = "end-of-life";
  if ((*nodsa_reason && **nodsa_reason == "ignored") || (*urgency && **urgency == eol)) {
    a.fix_state = FixState::WontFix;
  }
  a.ranges.push_back(Range{Range::Type::Ecosystem, {{RangeEvent::Kind::Introduced, "0"}}});
  return a;
}

std::expected<Converted, std::string> convert_record(const json& record, std::string_view package) {
  if (!record.is_object()) return std::unexpected("not an object");
  Converted out;
  auto description = optional_string(record, "description");
  if (!description) return std::unexpected(description.error());
  out.description = description->value_or("");
  if (auto scope = optional_string(record, "scope"); !scope) return std::unexpected(scope.error());
  if (const auto bug = record.find("debianbug"); bug != record.end() && !bug->is_null()) {
    if (!bug->is_number_unsigned()) return std::unexpected("debianbug is not a bug number");
    out.debianbug = bug->get<std::uint64_t>();
  }
  const auto releases = record.find("releases");
  if (releases == record.end()) return std::unexpected("no releases");
  if (releases->is_array() && releases->empty()) return out;  // an empty object, as some encoders write it
  if (!releases->is_object()) return std::unexpected("releases is not an object");
  for (const auto& [codename, release] : releases->items()) {
    const auto number = release_number(codename);
    if (number.empty()) {
      out.unknown_releases.push_back(codename);
      continue;
    }
    auto affected = convert_release(release, number, package);
    if (!affected) return std::unexpected(codename + ": " + affected.error());
    out.affected.push_back(std::move(*affected));
  }
  return out;
}

// ---- Advisories by id, in order of first appearance.

class Collector {
 public:
  void add(const std::string& id, Converted&& record) {
    if (record.affected.empty()) return;
    auto [it, inserted] = by_id_.try_emplace(id, result_.advisories.size());
    if (inserted) {
      Advisory advisory;
      advisory.source = std::string(kTrackerSource);
      advisory.id = id;
      advisory.references.push_back("https://security-tracker.debian.org/tracker/" + id);
      result_.advisories.push_back(std::move(advisory));
    }
    Advisory& advisory = result_.advisories[it->second];
    if (advisory.summary.empty()) advisory.summary = std::move(record.description);
    if (record.debianbug) {
      std::string bug = "https://bugs.debian.org/" + std::to_string(*record.debianbug);
      if (std::find(advisory.references.begin(), advisory.references.end(), bug) ==
          advisory.references.end()) {
        advisory.references.push_back(std::move(bug));
      }
    }
    for (auto& a : record.affected) advisory.affected.push_back(std::move(a));
  }

  void reject(std::string where, std::string reason) {
    result_.rejected.push_back(Rejected{std::move(where), std::move(reason)});
  }

  ImportResult take() && { return std::move(result_); }

 private:
  ImportResult result_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

void import_package(Collector& out, const std::string& package, std::string_view value) {
  if (value.size() > kMaxPackageBytes) {
    out.reject(package, "larger than " + std::to_string(kMaxPackageBytes) + " bytes");
    return;
  }
  auto parsed = parse_json(value, JsonLimits{kMaxDepth, kMaxPackageBytes});
  if (!parsed) {
    out.reject(package, parsed.error().message);
    return;
  }
  if (!parsed->is_object()) {
    out.reject(package, "not an object");
    return;
  }
  for (const auto& [id, record] : parsed->items()) {
    const std::string where = package + "/" + id;
    if (id.empty() || id.size() > kMaxIdBytes) {
      out.reject(where, "invalid id");
      continue;
    }
    auto converted = convert_record(record, package);
    if (!converted) {
      out.reject(where, converted.error());
      continue;
    }
    for (const auto& codename : converted->unknown_releases) {
      out.reject(where + "/" + codename, "unknown Debian release codename");
    }
    out.add(id, std::move(*converted));
  }
}

}  // namespace

std::string_view release_number(std::string_view codename) {
  for (const auto& r : kReleases) {
    if (r.codename == codename) return r.number;
  }
  return {};
}

Result<ImportResult> parse_tracker(std::string_view text, std::string_view where) {
  if (text.size() > kMaxDocumentBytes) {
    return fail(ErrorCode::ResourceExhausted, "debian-tracker: " + std::string(where) + ": larger than " +
                                                  std::to_string(kMaxDocumentBytes) + " bytes");
  }
  Collector out;
  auto walked = for_each_member(text, where, [&](std::string_view key, std::string_view value) {
    auto name = parse_json(key, JsonLimits{1, kMaxIdBytes + 2});
    if (!name || !name->is_string() || name->get_ref<const std::string&>().empty()) {
      out.reject(std::string(key.substr(0, 64)), "invalid package name");
      return;
    }
    import_package(out, name->get<std::string>(), value);
  });
  if (!walked) return std::unexpected(std::move(walked).error());
  return std::move(out).take();
}

}  // namespace regscand::scanner::feeds::debian
