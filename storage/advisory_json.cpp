#include "storage/advisory_json.hpp"

#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"

namespace regscand::storage {
namespace {

using nlohmann::json;
using namespace scanner::feeds;

constexpr const char* kKinds[] = {"introduced", "fixed", "last_affected", "limit"};
constexpr const char* kRangeTypes[] = {"ECOSYSTEM", "SEMVER", "GIT"};
constexpr FixState kFixStates[] = {FixState::Fixed, FixState::NotFixed, FixState::WontFix,
                                   FixState::NotAffected};
constexpr Severity kSeverities[] = {Severity::Unknown, Severity::Negligible, Severity::Low,
                                    Severity::Medium,  Severity::High,       Severity::Critical};

template <class T, std::size_t N>
T from_name(const T (&values)[N], std::string_view (*name)(T), const std::string& text) {
  for (const T v : values) {
    if (name(v) == text) return v;
  }
  throw std::invalid_argument("unknown value \"" + text + "\"");
}

Severity severity_from(const json& j) {
  return from_name(kSeverities, severity_name, j.get<std::string>());
}

json optional_severity(const std::optional<Severity>& s) {
  return s ? json(std::string(severity_name(*s))) : json(nullptr);
}

std::optional<Severity> optional_severity_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  return severity_from(j);
}

json affected_json(const Affected& a) {
  json ranges = json::array();
  for (const auto& r : a.ranges) {
    json events = json::array();
    for (const auto& e : r.events) events.push_back({{kKinds[static_cast<int>(e.kind)], e.version}});
    ranges.push_back({{"type", kRangeTypes[static_cast<int>(r.type)]}, {"events", std::move(events)}});
  }
  return {{"ecosystem", a.ecosystem},
          {"name", a.name},
          {"purl", a.purl},
          {"ranges", std::move(ranges)},
          {"versions", a.versions},
          {"fix_state", fix_state_name(a.fix_state)},
          {"severity", optional_severity(a.severity)},
          {"severity_source", a.severity_source}};
}

Affected affected_from(const json& j) {
  Affected a;
  a.ecosystem = j.at("ecosystem").get<std::string>();
  a.name = j.at("name").get<std::string>();
  a.purl = j.at("purl").get<std::string>();
  for (const auto& r : j.at("ranges")) {
    Range range;
    const auto type = r.at("type").get<std::string>();
    range.type = type == "SEMVER" ? Range::Type::Semver
                 : type == "GIT"  ? Range::Type::Git
                                  : Range::Type::Ecosystem;
    for (const auto& e : r.at("events")) {
      if (!e.is_object() || e.size() != 1) throw std::invalid_argument("an event has one key");
      const auto only = e.begin();
      const std::string& kind = only.key();
      RangeEvent event;
      event.version = only.value().get<std::string>();
      bool known = false;
      for (int k = 0; k < 4; ++k) {
        if (kind == kKinds[k]) {
          event.kind = static_cast<RangeEvent::Kind>(k);
          known = true;
        }
      }
      if (!known) throw std::invalid_argument("unknown event " + kind);
      range.events.push_back(std::move(event));
    }
    a.ranges.push_back(std::move(range));
  }
  a.versions = j.at("versions").get<std::vector<std::string>>();
  a.fix_state = from_name(kFixStates, fix_state_name, j.at("fix_state").get<std::string>());
  a.severity = optional_severity_from(j.at("severity"));
  a.severity_source = j.at("severity_source").get<std::string>();
  return a;
}

}  // namespace

std::string advisory_to_json(const Advisory& advisory) {
  json cvss = json::array();
  for (const auto& c : advisory.cvss) {
    cvss.push_back({{"vector", c.vector}, {"score", c.score}, {"severity", severity_name(c.severity)}});
  }
  json affected = json::array();
  for (const auto& a : advisory.affected) affected.push_back(affected_json(a));
  return json{{"source", advisory.source},
              {"id", advisory.id},
              {"aliases", advisory.aliases},
              {"summary", advisory.summary},
              {"details", advisory.details},
              {"published", advisory.published},
              {"modified", advisory.modified},
              {"withdrawn", advisory.withdrawn},
              {"cvss", std::move(cvss)},
              {"severity", optional_severity(advisory.severity)},
              {"severity_source", advisory.severity_source},
              {"references", advisory.references},
              {"affected", std::move(affected)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Advisory> advisory_from_json(std::string_view text) {
  auto doc = parse_json(text, JsonLimits{16, 64 * 1024 * 1024});
  if (!doc || !doc->is_object()) return fail(ErrorCode::Internal, "advisory: stored JSON is unreadable");
  try {
    const json& j = *doc;
    Advisory a;
    a.source = j.at("source").get<std::string>();
    a.id = j.at("id").get<std::string>();
    a.aliases = j.at("aliases").get<std::vector<std::string>>();
    a.summary = j.at("summary").get<std::string>();
    a.details = j.at("details").get<std::string>();
    a.published = j.at("published").get<std::string>();
    a.modified = j.at("modified").get<std::string>();
    a.withdrawn = j.at("withdrawn").get<std::string>();
    for (const auto& c : j.at("cvss")) {
      a.cvss.push_back(Cvss{c.at("vector").get<std::string>(), c.at("score").get<double>(),
                            severity_from(c.at("severity"))});
    }
    a.severity = optional_severity_from(j.at("severity"));
    a.severity_source = j.at("severity_source").get<std::string>();
    a.references = j.at("references").get<std::vector<std::string>>();
    for (const auto& affected : j.at("affected")) a.affected.push_back(affected_from(affected));
    return a;
  } catch (const std::exception& e) {
    return fail(ErrorCode::Internal, std::string("advisory: stored JSON has the wrong shape: ") + e.what());
  }
}

}  // namespace regscand::storage
