#include "scanner/matching/ranges.hpp"

#include <algorithm>
#include <vector>

namespace regscand::scanner::matching {
namespace {

using feeds::RangeEvent;

bool is_zero(const RangeEvent& e) {
  return e.kind == RangeEvent::Kind::Introduced && e.version == "0";
}

// <0, 0, >0 as `e` sorts before, with, after `version`; "introduced 0" sorts before everything.
std::optional<int> event_vs(const RangeEvent& e, std::string_view version, const VersionOrder& order) {
  if (is_zero(e)) return -1;
  return order(e.version, version);
}

std::optional<RangeHit> in_range(const feeds::Range& range, std::string_view version,
                                 const VersionOrder& order) {
  std::vector<const RangeEvent*> events;
  for (const auto& e : range.events) {
    if (!is_zero(e) && !order(e.version, e.version)) return std::nullopt;  // unorderable event: skip range
    events.push_back(&e);
  }
  bool sortable = true;
  std::stable_sort(events.begin(), events.end(), [&](const RangeEvent* a, const RangeEvent* b) {
    if (is_zero(*a) || is_zero(*b)) return is_zero(*a) && !is_zero(*b);
    const auto c = order(a->version, b->version);
    if (!c) sortable = false;
    return c.value_or(0) < 0;
  });
  if (!sortable) return std::nullopt;

  bool affected = false;
  bool below_limit = true;
  bool has_limit = false;
  std::size_t opened = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = *events[i];
    const auto c = event_vs(e, version, order);
    if (!c) return std::nullopt;
    switch (e.kind) {
      case RangeEvent::Kind::Introduced:
        if (*c <= 0) {
          affected = true;
          opened = i;
        }
        break;
      case RangeEvent::Kind::Fixed:
        if (*c <= 0) affected = false;
        break;
      case RangeEvent::Kind::LastAffected:
        if (*c < 0) affected = false;
        break;
      case RangeEvent::Kind::Limit:
        has_limit = true;
        if (*c <= 0) below_limit = false;
        break;
    }
  }
  if (!affected || (has_limit && !below_limit)) return std::nullopt;
  RangeHit hit;
  for (std::size_t i = opened + 1; i < events.size(); ++i) {
    if (events[i]->kind == RangeEvent::Kind::Fixed) {
      hit.fixed = events[i]->version;
      break;
    }
    if (events[i]->kind == RangeEvent::Kind::Introduced) break;
  }
  return hit;
}

}  // namespace

std::optional<RangeHit> affected_version(const feeds::Affected& affected, std::string_view version,
                                         const VersionOrder& order) {
  if (!order(version, version)) return std::nullopt;
  std::optional<RangeHit> best;
  for (const auto& range : affected.ranges) {
    if (range.type == feeds::Range::Type::Git) continue;
    auto hit = in_range(range, version, order);
    if (!hit) continue;
    if (!best || (best->fixed.empty() && !hit->fixed.empty())) best = std::move(hit);
  }
  if (!best &&
      std::find(affected.versions.begin(), affected.versions.end(), version) != affected.versions.end()) {
    best = RangeHit{};
  }
  return best;
}

}  // namespace regscand::scanner::matching
