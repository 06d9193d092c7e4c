#include "server/http/router.hpp"
#include "config/base/percent.hpp"
#include "config/base/text.hpp"
#include "config/base/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include <spdlog/spdlog.h>

namespace regscand::server::http {
namespace {

using Segment = Route::Segment;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path == "/") {
    return out;
  }
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return out;
    }
    path.remove_prefix(slash + 1);
  }
}

bool is_name(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '_';
  });
}

std::size_t literal_count(const Route& route) {
  return std::count_if(route.segments.begin(), route.segments.end(),
                       [](const Segment& s) { return s.kind == Segment::Kind::Literal; });
}

bool has_greedy(const Route& route) {
  return std::any_of(route.segments.begin(), route.segments.end(),
                     [](const Segment& s) { return s.kind == Segment::Kind::Greedy; });
}

// True when `a` should be preferred over `b` for the same path.
bool more_specific(const Route& a, const Route& b) {
  auto la = literal_count(a);
  auto lb = literal_count(b);
  if (la != lb) {
    return la > lb;
  }
  return !has_greedy(a) && has_greedy(b);
}

bool segment_matches(const Segment& seg, std::string_view part) {
  if (seg.kind == Segment::Kind::Literal) {
    return seg.text == part;
  }
  return !part.empty();
}

// Matches path parts against a pattern; on success fills raw (undecoded) parameter values.
bool match_segments(const std::vector<Segment>& segs, const std::vector<std::string_view>& parts,
                    std::vector<std::pair<std::string_view, std::string_view>>& raw, std::string_view path) {
  auto greedy = std::find_if(segs.begin(), segs.end(),
                             [](const Segment& s) { return s.kind == Segment::Kind::Greedy; });
  if (greedy == segs.end()) {
    if (segs.size() != parts.size()) {
      return false;
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
      if (!segment_matches(segs[i], parts[i])) {
        return false;
      }
      if (segs[i].kind == Segment::Kind::Param) {
        raw.emplace_back(segs[i].text, parts[i]);
      }
    }
    return true;
  }
  std::size_t g = static_cast<std::size_t>(greedy - segs.begin());
  std::size_t suffix = segs.size() - g - 1;
  if (parts.size() < segs.size()) {
    return false;  // the greedy parameter needs at least one segment
  }
  std::size_t greedy_end = parts.size() - suffix;  // one past the greedy's last part
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Segment& seg = i < g ? segs[i] : (i < greedy_end ? *greedy : segs[i - greedy_end + g + 1]);
    if (!segment_matches(seg, parts[i])) {
      return false;
    }
    if (seg.kind == Segment::Kind::Param) {
      raw.emplace_back(seg.text, parts[i]);
    }
  }
  // The greedy value is the slice of the original path covering parts [g, greedy_end).
  const char* begin = parts[g].data();
  const char* end = parts[greedy_end - 1].data() + parts[greedy_end - 1].size();
  raw.emplace_back(greedy->text, path.substr(static_cast<std::size_t>(begin - path.data()),
                                             static_cast<std::size_t>(end - begin)));
  return true;
}

bool is_dot_segment(std::string_view part) {
  return part == "." || part == "..";
}

}  // namespace

Result<std::vector<Route::Segment>> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    return fail(ErrorCode::InvalidArgument, "router: pattern must start with '/': " + std::string(pattern));
  }
  std::vector<Segment> segs;
  std::set<std::string, std::less<>> names;
  bool greedy_seen = false;
  for (std::string_view part : split_path(pattern)) {
    if (part.empty()) {
      return fail(ErrorCode::InvalidArgument, "router: empty segment in " + std::string(pattern));
    }
    if (part.front() != '{') {
      if (part.find_first_of("{}%?#") != std::string_view::npos || is_dot_segment(part)) {
        return fail(ErrorCode::InvalidArgument, "router: bad literal segment in " + std::string(pattern));
      }
      segs.push_back({Segment::Kind::Literal, std::string(part)});
      continue;
    }
    if (part.back() != '}') {
      return fail(ErrorCode::InvalidArgument, "router: unclosed parameter in " + std::string(pattern));
    }
    std::string_view name = part.substr(1, part.size() - 2);
    auto kind = Segment::Kind::Param;
    if (name.ends_with("...")) {
      name.remove_suffix(3);
      kind = Segment::Kind::Greedy;
      if (greedy_seen) {
        return fail(ErrorCode::InvalidArgument,
                    "router: more than one greedy parameter in " + std::string(pattern));
      }
      greedy_seen = true;
    }
    if (!is_name(name) || !names.emplace(name).second) {
      return fail(ErrorCode::InvalidArgument,
                  "router: bad or repeated parameter name in " + std::string(pattern));
    }
    segs.push_back({kind, std::string(name)});
  }
  return segs;
}

void Router::add(Verb method, std::string_view pattern, RouteOptions options, Handler handler) {
  auto segs = parse_pattern(pattern);
  if (!segs) {
    spdlog::critical("{}", segs.error().message);
    std::abort();
  }
  for (const Route& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      spdlog::critical("router: duplicate route {} {}", std::string(regscand::http::to_string(method)),
                       pattern);
      std::abort();
    }
  }
  for (std::string& type : options.content_types) type = text::lower_case(type);
  routes_.push_back(
      Route{method, std::string(pattern), std::move(options), std::move(handler), std::move(*segs)});
}

RouteMatch Router::match(Verb method, std::string_view path) const {
  RouteMatch result;
  if (path.empty() || path[0] != '/') {
    result.kind = RouteMatch::Kind::BadPath;
    result.error = "request target must be an absolute path";
    return result;
  }
  auto parts = split_path(path);
  if (std::any_of(parts.begin(), parts.end(), is_dot_segment)) {
    return result;  // NotFound: no route has dot segments
  }
  const Route* best = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> best_raw;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    std::vector<std::pair<std::string_view, std::string_view>> raw;
    if (!match_segments(route.segments, parts, raw, path)) {
      continue;
    }
    std::string name(regscand::http::to_string(route.method));
    allowed.insert(name);
    if (route.method == Verb::get) {
      allowed.insert("HEAD");
    }
    bool method_ok = route.method == method || (method == Verb::head && route.method == Verb::get);
    if (!method_ok) {
      continue;
    }
    // An explicit HEAD route beats GET-for-HEAD at the same specificity.
    if (best == nullptr || more_specific(route, *best) ||
        (!more_specific(*best, route) && route.method == method && best->method != method)) {
      best = &route;
      best_raw = std::move(raw);
    }
  }
  if (best == nullptr) {
    if (allowed.empty()) {
      return result;
    }
    result.kind = RouteMatch::Kind::MethodNotAllowed;
    for (const std::string& m : allowed) {
      result.allow += result.allow.empty() ? m : ", " + m;
    }
    return result;
  }
  for (auto& [name, value] : best_raw) {
    auto decoded = text::percent_decode(value);
    if (!decoded) {
      result.kind = RouteMatch::Kind::BadPath;
      result.error = "malformed percent-encoding in path";
      return result;
    }
    if (!text::is_valid_utf8(*decoded)) {
      result.kind = RouteMatch::Kind::BadPath;
      result.error = std::string(name) + ": must be valid UTF-8";
      return result;
    }
    result.params.emplace_back(std::string(name), std::move(*decoded));
  }
  result.kind = RouteMatch::Kind::Found;
  result.route = best;
  return result;
}

}  // namespace regscand::server::http
