#include "config/feed_source.hpp"

#include "config/fields.hpp"
#include "config/limits.hpp"
#include "config/registry_url.hpp"

namespace regscand::config {
namespace {

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The scheme of "scheme:..." (RFC 3986: a letter, then letters, digits, '+', '-', '.'), or "".
std::string_view scheme_of(std::string_view source) {
  const auto colon = source.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_letter(source.front())) return {};
  const std::string_view scheme = source.substr(0, colon);
  for (const char c : scheme) {
    if (!is_scheme_char(c)) return {};
  }
  return scheme;
}

// A URL is "scheme://..." or any "http:"/"https:" prefix (so "https:/host" is a bad URL, not a path).
bool is_url(std::string_view source) {
  const std::string_view scheme = scheme_of(source);
  if (scheme.empty()) return false;
  const std::string lower = lower_case(scheme);
  return lower == "http" || lower == "https" || source.substr(scheme.size()).starts_with("://");
}

// The "host[:port]" part of "scheme://authority/...", user info included.
std::string_view authority_of(std::string_view url) {
  const auto start = url.find("://");
  if (start == std::string_view::npos) return {};
  const std::string_view rest = url.substr(start + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

Result<void> check_url(std::string_view source) {
  const std::string scheme = lower_case(scheme_of(source));
  if (scheme != "http" && scheme != "https") {
    return fail(ErrorCode::InvalidArgument,
                "unsupported URL scheme \"" + scheme + "\": use http://, https:// or a file path");
  }
  if (authority_of(source).find('@') != std::string_view::npos) {
    return fail(ErrorCode::InvalidArgument, "must not contain user info (user:password@)");
  }
  auto url = parse_registry_url(source);  // host, port, query, fragment, visible characters
  if (!url) return std::unexpected(std::move(url).error());
  return {};
}

Result<void> check_path(std::string_view source) {
  for (const char c : source) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(ErrorCode::InvalidArgument, "must not contain control characters");
    }
  }
  return {};
}

}  // namespace

Result<void> check_feed_source_entry(const std::vector<std::string>& sources, std::size_t index) {
  const std::string& source = sources[index];
  if (source.empty()) return fail(ErrorCode::InvalidArgument, "must not be empty");
  if (source != kDefaultFeedSources) {
    auto form = is_url(source) ? check_url(source) : check_path(source);
    if (!form) return form;
  }
  for (std::size_t j = 0; j < index; ++j) {
    if (sources[j] == source) {
      return fail(ErrorCode::InvalidArgument,
                  "duplicate of " + std::string(kFeedSourcesPath) + "[" + std::to_string(j) + "]");
    }
  }
  return {};
}

Result<void> check_feed_source_count(std::size_t count) {
  if (count <= kMaxFeedSources) return {};
  return fail(ErrorCode::InvalidArgument, "must have at most " + std::to_string(kMaxFeedSources) +
                                              " entries, got " + std::to_string(count));
}

Result<void> check_feed_sources(const std::vector<std::string>& sources, std::string_view origin) {
  if (auto ok = check_feed_source_count(sources.size()); !ok) {
    return key_error(kFeedSourcesPath, ok.error().message, origin);
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (auto ok = check_feed_source_entry(sources, i); !ok) {
      return key_error(std::string(kFeedSourcesPath) + "[" + std::to_string(i) + "]", ok.error().message,
                       origin);
    }
  }
  return {};
}

Result<void> set_feed_mirror(std::string& mirror, std::string_view text) {
  if (text.empty()) {
    mirror.clear();
    return {};
  }
  if (is_url(text)) {
    if (auto ok = check_url(text); !ok) return ok;
    auto url = parse_registry_url(text);
    if (!url) return std::unexpected(std::move(url).error());
    mirror = url->to_string();
    return {};
  }
  if (auto ok = check_path(text); !ok) return ok;
  while (text.size() > 1 && text.back() == '/') text.remove_suffix(1);
  mirror = std::string(text);
  return {};
}

std::string redact_feed_source(std::string_view source) {
  if (!is_url(source)) return std::string(source);
  const std::string_view authority = authority_of(source);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(source);
  const std::size_t start = static_cast<std::size_t>(authority.data() - source.data());
  return std::string(source.substr(0, start)) + "<redacted>" + std::string(source.substr(start + at));
}

}  // namespace regscand::config
