#include "server/api/query_params.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "config/base/percent.hpp"
#include "config/base/utf8.hpp"

namespace regscand::server::api {
namespace {

constexpr std::size_t kMaxValue = 512;

Error bad(std::string_view name, std::string_view why) {
  return Error{ErrorCode::InvalidArgument, std::string(name) + ": " + std::string(why)};
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The number of the two digits at `at`, or -1.
int two_digits(std::string_view s, std::size_t at) {
  if (at + 2 > s.size() || !all_digits(s.substr(at, 2))) {
    return -1;
  }
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

std::string etag_of(std::string_view body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < 16; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out + "\"";
}

// If-None-Match: "*" or a comma-separated list of entity tags, weak ones ("W/...") compared weakly.
bool none_match_hits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Result<QueryParams> QueryParams::parse(std::string_view query,
                                       std::initializer_list<std::string_view> known) {
  QueryParams out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto raw_name = pair.substr(0, eq);
    if (raw_name.empty()) continue;
    auto name = text::percent_decode(raw_name, true);
    if (!name || std::find(known.begin(), known.end(), *name) == known.end()) {
      return fail(ErrorCode::InvalidArgument,
                  "unknown query parameter \"" + std::string(raw_name.substr(0, 64)) + "\"");
    }
    if (out.get(*name)) return std::unexpected(bad(*name, "given more than once"));
    auto value =
        text::percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!value) return std::unexpected(bad(*name, "malformed percent-encoding"));
    if (!text::is_valid_utf8(*value)) return std::unexpected(bad(*name, "must be valid UTF-8"));
    out.params_.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<PageParams> page_params(const QueryParams& params) {
  PageParams page;
  if (auto limit = params.get("limit")) {
    int v = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), v);
    if (ec != std::errc() || end != limit->data() + limit->size() || v < 1 || v > storage::kMaxPageLimit) {
      return std::unexpected(bad("limit", "must be 1.." + std::to_string(storage::kMaxPageLimit)));
    }
    page.limit = v;
  }
  if (auto cursor = params.get("cursor")) {
    if (cursor->empty()) {
      return std::unexpected(bad("cursor", "empty"));
    }
    page.cursor = std::string(*cursor);
  }
  return page;
}

Result<std::vector<scanner::feeds::Severity>> parse_severities(std::string_view name, std::string_view text) {
  using scanner::feeds::Severity;
  std::vector<Severity> out;
  while (true) {
    const auto comma = text.find(',');
    const auto severity = scanner::feeds::parse_severity(text.substr(0, comma));
    if (!severity) {
      return std::unexpected(bad(name,
                                 "must be a comma-separated list of critical, high, medium, low, "
                                 "negligible, unknown"));
    }
    if (std::find(out.begin(), out.end(), *severity) == out.end()) out.push_back(*severity);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<bool> parse_bool(std::string_view name, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::unexpected(bad(name, "must be true or false"));
}

Result<storage::PackageType> parse_package_type(std::string_view name, std::string_view text) {
  if (text == "os") return storage::PackageType::Os;
  if (text == "language") return storage::PackageType::Language;
  return std::unexpected(bad(name, "must be os or language"));
}

Result<std::string> parse_time(std::string_view name, std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)
  const auto invalid = [&] {
    return std::unexpected(bad(name, "must be an RFC 3339 time such as 2024-05-01T12:00:00Z"));
  };
  if (text.size() < 20 || text.size() > 40 || !all_digits(text.substr(0, 4)) || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return invalid();
  }
  const int month = two_digits(text, 5), day = two_digits(text, 8), hour = two_digits(text, 11),
            minute = two_digits(text, 14), second = two_digits(text, 17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return invalid();
  }
  std::string_view rest = text.substr(19);
  if (rest.starts_with('.')) {
    std::size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 1 || n > 10) return invalid();
    rest.remove_prefix(n);
  }
  if (rest == "Z" || rest == "z") return std::string(text);
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return invalid();
  const int oh = two_digits(rest, 1), om = two_digits(rest, 4);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return invalid();
  return std::string(text);
}

Result<std::string> parse_digest(std::string_view name, std::string_view text) {
  const auto colon = text.find(':');
  const auto invalid = [&] {
    return std::unexpected(bad(name, "must be algorithm:hex, e.g. sha256:<64 hex>"));
  };
  if (colon == std::string_view::npos || colon == 0 || colon > 32 || text.size() > 200) return invalid();
  const auto algorithm = text.substr(0, colon), hex = text.substr(colon + 1);
  if (!std::all_of(algorithm.begin(), algorithm.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '+' || c == '.' || c == '_' || c == '-';
      })) {
    return invalid();
  }
  if (hex.size() < 32 || !std::all_of(hex.begin(), hex.end(), [](unsigned char c) {
        return std::isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return invalid();
  }
  return std::string(text);
}

Result<std::string> parse_name(std::string_view name, std::string_view text) {
  if (text.empty() || text.size() > kMaxValue) {
    return std::unexpected(bad(name, "must be 1.." + std::to_string(kMaxValue) + " bytes"));
  }
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return std::unexpected(bad(name, "must not contain control characters"));
  }
  return std::string(text);
}

http::Response page_response(storage::Page&& page) {
  std::size_t size = 64 + page.next_cursor.size();
  for (const auto& item : page.items) size += item.size() + 1;
  std::string body;
  body.reserve(size);
  body += "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) body += ',';
    body += page.items[i];
  }
  body += "],\"next_cursor\":";
  body += page.next_cursor.empty() ? std::string("null") : nlohmann::json(page.next_cursor).dump();
  body += '}';
  return http::text_response(http::Status::ok, std::move(body), http::kJsonContentType);
}

http::Response json_with_etag(const http::RequestContext& ctx, const nlohmann::json& body) {
  http::Response res = http::json_response(http::Status::ok, body);
  const std::string etag = etag_of(res.body());
  const auto header = ctx.request().find(http::Field::if_none_match);
  if (header != ctx.request().end() && none_match_hits(http::to_std(header->value()), etag)) {
    http::Response not_modified{http::Status::not_modified, 11};
    not_modified.set(http::Field::etag, http::to_beast(etag));
    not_modified.prepare_payload();
    return not_modified;
  }
  res.set(http::Field::etag, http::to_beast(etag));
  return res;
}

}  // namespace regscand::server::api
