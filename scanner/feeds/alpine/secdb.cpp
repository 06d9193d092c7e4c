#include "scanner/feeds/alpine/secdb.hpp"

#include <algorithm>
#include <expected>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"

namespace regscand::scanner::feeds::alpine {
namespace {

using nlohmann::json;

constexpr std::string_view kOtherPrefixes[] = {"GHSA-",  "XSA-", "ALPINE-",  "OSV-",
                                               "TALOS-", "ZBX-", "wnpa-sec-"};
constexpr std::size_t kMaxIdBytes = 128;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_id_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The length of "YYYY-NNNN…" (4 digits, '-', at least 4 digits) at the start of `s`; 0 when there is none.
std::size_t year_number_length(std::string_view s) {
  if (s.size() < 9 || s[4] != '-') return 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!is_digit(s[i])) return 0;
  }
  std::size_t n = 5;
  while (n < s.size() && is_digit(s[n])) ++n;
  return n - 5 >= 4 ? n : 0;
}

std::optional<std::string> cve_at_start(std::string_view word) {
  if (!word.starts_with("CVE-") && !word.starts_with("CVE_")) return std::nullopt;
  const std::size_t n = year_number_length(word.substr(4));
  if (n == 0 || n + 4 > kMaxIdBytes) return std::nullopt;
  return "CVE-" + std::string(word.substr(4, n));
}

std::optional<std::string> other_id(std::string_view word) {
  while (!word.empty() && (word.back() == ',' || word.back() == ';')) word.remove_suffix(1);
  if (word.size() > kMaxIdBytes) return std::nullopt;
  for (const auto prefix : kOtherPrefixes) {
    if (!word.starts_with(prefix) || word.size() == prefix.size()) continue;
    if (std::all_of(word.begin() + static_cast<std::ptrdiff_t>(prefix.size()), word.end(), is_id_char)) {
      return std::string(word);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && !is_space(text[pos])) ++pos;
    if (pos > start) out.push_back(text.substr(start, pos - start));
  }
  return out;
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// ---- Ids by first appearance, each with the packages (and their fixed versions) that list it.

struct Listing {
  std::string name;
  std::vector<std::string> versions;
};

struct Entry {
  std::string id;
  std::vector<std::string> aliases;
  std::vector<Listing> listings;
};

class Collector {
 public:
  void add(const std::string& id, const std::vector<std::string>& aliases, const std::string& name,
           const std::string& version) {
    auto [it, inserted] = by_id_.try_emplace(id, entries_.size());
    if (inserted) entries_.push_back(Entry{id, {}, {}});
    Entry& entry = entries_[it->second];
    for (const auto& alias : aliases) add_unique(entry.aliases, alias);
    auto listing = std::find_if(entry.listings.begin(), entry.listings.end(),
                                [&](const Listing& l) { return l.name == name; });
    if (listing == entry.listings.end()) {
      entry.listings.push_back(Listing{name, {}});
      listing = entry.listings.end() - 1;
    }
    add_unique(listing->versions, version);
  }

  std::vector<Advisory> advisories(const std::string& ecosystem) && {
    std::vector<Advisory> out;
    out.reserve(entries_.size());
    for (auto& entry : entries_) {
      Advisory a;
      a.source = std::string(kSecdbSource);
      a.id = std::move(entry.id);
      a.aliases = std::move(entry.aliases);
      for (auto& listing : entry.listings) a.affected.push_back(affected(ecosystem, std::move(listing)));
      out.push_back(std::move(a));
    }
    return out;
  }

 private:
  static Affected affected(const std::string& ecosystem, Listing&& listing) {
    Affected a;
    a.ecosystem = ecosystem;
    a.name = std::move(listing.name);
    for (auto& version : listing.versions) {
      if (version == "0") continue;
      a.ranges.push_back(
          Range{Range::Type::Ecosystem,
                {{RangeEvent::Kind::Introduced, "0"}, {RangeEvent::Kind::Fixed, std::move(version)}}});
    }
    a.fix_state = a.ranges.empty() ? FixState::NotAffected : FixState::Fixed;
    return a;
  }

  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

// A package's (version, ids of one entry) pairs, checked whole before any is collected.
struct Fix {
  std::string version;
  EntryIds ids;
};

bool lists_nothing(const json& list) {
  return list.is_null() || (list.is_string() && list.get_ref<const std::string&>().empty()) ||
         (list.is_object() && list.empty());
}

std::expected<std::vector<Fix>, std::string> package_fixes(const json& pkg) {
  const auto secfixes = pkg.find("secfixes");
  if (secfixes == pkg.end()) return std::unexpected("no secfixes");
  if (!secfixes->is_object()) return std::unexpected("secfixes is not an object");
  std::vector<Fix> out;
  for (const auto& [version, list] : secfixes->items()) {
    if (version.empty()) return std::unexpected("empty fixed version");
    if (lists_nothing(list)) continue;
    if (!list.is_array()) return std::unexpected("secfixes." + version + " is not a list");
    for (const auto& entry : list) {
      if (!entry.is_string()) return std::unexpected("secfixes." + version + " holds a non-string");
      out.push_back(Fix{version, entry_ids(entry.get_ref<const std::string&>())});
    }
  }
  return out;
}

}  // namespace

EntryIds entry_ids(std::string_view entry) {
  EntryIds out;
  const auto list = words(entry);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string_view word = list[i];
    if (word == "CVE" && i + 1 < list.size() && year_number_length(list[i + 1]) == list[i + 1].size() &&
        list[i + 1].size() + 4 <= kMaxIdBytes) {
      add_unique(out.cves, "CVE-" + std::string(list[++i]));
      continue;
    }
    if (auto cve = cve_at_start(word)) {
      add_unique(out.cves, std::move(*cve));
      continue;
    }
    if (auto other = other_id(word)) add_unique(out.others, std::move(*other));
  }
  return out;
}

Result<ImportResult> parse_secdb(std::string_view text, std::string_view where) {
  const std::string prefix = "alpine-secdb: " + std::string(where) + ": ";
  auto parsed = parse_json(text, JsonLimits{kMaxDepth, kMaxDocumentBytes});
  if (!parsed) return fail(parsed.error().code, prefix + parsed.error().message);
  const json& root = *parsed;
  if (!root.is_object()) return fail(ErrorCode::InvalidArgument, prefix + "not a JSON object");
  const auto release = root.find("distroversion");
  if (release == root.end() || !release->is_string() || release->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::InvalidArgument, prefix + "no distroversion");
  }
  const auto packages = root.find("packages");
  if (packages == root.end()) return fail(ErrorCode::InvalidArgument, prefix + "no packages");
  const bool none = lists_nothing(*packages);  // null, "" or {}: how some converters write []
  if (!packages->is_array() && !none) {
    return fail(ErrorCode::InvalidArgument, prefix + "packages is not an array");
  }

  ImportResult result;
  Collector collector;
  const std::string base(where);
  std::size_t index = 0;
  const json no_packages = json::array();
  for (const auto& entry : none ? no_packages : *packages) {
    std::string place = base + "/packages[" + std::to_string(index++) + "]";
    const auto reject = [&](std::string reason) {
      result.rejected.push_back(Rejected{place, std::move(reason)});
    };
    if (!entry.is_object()) {
      reject("not an object");
      continue;
    }
    const auto pkg = entry.find("pkg");
    if (pkg == entry.end() || !pkg->is_object()) {
      reject("no pkg object");
      continue;
    }
    const auto name = pkg->find("name");
    if (name == pkg->end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
      reject("no name");
      continue;
    }
    const std::string& package = name->get_ref<const std::string&>();
    place = base + "/" + package;
    auto fixes = package_fixes(*pkg);
    if (!fixes) {
      reject(std::move(fixes).error());
      continue;
    }
    for (const auto& fix : *fixes) {
      if (!fix.ids.cves.empty()) {
        for (const auto& cve : fix.ids.cves) collector.add(cve, fix.ids.others, package, fix.version);
        continue;
      }
      for (const auto& id : fix.ids.others) collector.add(id, {}, package, fix.version);
    }
  }
  result.advisories = std::move(collector).advisories("Alpine:" + release->get<std::string>());
  return result;
}

}  // namespace regscand::scanner::feeds::alpine
