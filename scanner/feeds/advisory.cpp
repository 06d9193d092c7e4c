#include "scanner/feeds/advisory.hpp"

#include "config/base/text.hpp"

namespace regscand::scanner::feeds {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Negligible:
      return "Negligible";
    case Severity::Low:
      return "Low";
    case Severity::Medium:
      return "Medium";
    case Severity::High:
      return "High";
    case Severity::Critical:
      return "Critical";
    case Severity::Unknown:
      break;
  }
  return "Unknown";
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (const Severity severity : kSeverities) {
    if (text::equals_ignore_case(name, severity_name(severity))) return severity;
  }
  return std::nullopt;
}

std::string_view fix_state_name(FixState state) {
  switch (state) {
    case FixState::Fixed:
      return "fixed";
    case FixState::WontFix:
      return "wont-fix";
    case FixState::NotAffected:
      return "not-affected";
    case FixState::NotFixed:
      break;
  }
  return "not-fixed";
}

}  // namespace regscand::scanner::feeds
