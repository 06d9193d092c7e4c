#include "config/units.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace regscand::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

constexpr std::uint64_t kMsPerDay = 86'400'000;
constexpr std::uint64_t kMaxDurationMs = 3650 * kMsPerDay;

constexpr std::array kDurationUnits{
    Unit{"", 1000},    Unit{"ms", 1},        Unit{"s", 1000},
    Unit{"m", 60'000}, Unit{"h", 3'600'000}, Unit{"d", kMsPerDay},
};

constexpr std::array kSizeUnits{
    Unit{"", 1},
    Unit{"KiB", std::uint64_t{1} << 10},
    Unit{"MiB", std::uint64_t{1} << 20},
    Unit{"GiB", std::uint64_t{1} << 30},
};

struct Split {
  std::string_view digits;
  std::string_view suffix;
};

Split split_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return {text.substr(0, i), text.substr(i)};
}

std::optional<std::uint64_t> to_uint(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

template <std::size_t N>
std::optional<std::uint64_t> scaled(std::string_view text, const std::array<Unit, N>& units) {
  const auto [digits, suffix] = split_number(text);
  const auto number = to_uint(digits);
  if (!number) return std::nullopt;
  for (const auto& unit : units) {
    if (unit.suffix != suffix) continue;
    std::uint64_t product = 0;
    if (__builtin_mul_overflow(*number, unit.factor, &product)) return std::nullopt;
    return product;
  }
  return std::nullopt;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const auto ms = scaled(text, kDurationUnits);
  if (!ms) {
    return fail(ErrorCode::InvalidArgument,
                "expected a duration such as 500ms, 30s, 5m, 6h or 7d (a plain integer means seconds), got " +
                    quoted(text));
  }
  if (*ms > kMaxDurationMs) {
    return fail(ErrorCode::InvalidArgument, "duration must be at most 3650d, got " + quoted(text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

std::string format_duration(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    if (it->suffix.empty()) continue;
    const auto factor = static_cast<std::int64_t>(it->factor);
    if (ms % factor == 0) return std::to_string(ms / factor) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";
}

Result<std::uint64_t> parse_size(std::string_view text) {
  const auto bytes = scaled(text, kSizeUnits);
  if (!bytes) {
    return fail(ErrorCode::InvalidArgument,
                "expected a size in bytes such as 1048576, 512KiB or 1MiB, got " + quoted(text));
  }
  return *bytes;
}

Result<std::uint64_t> parse_uint(std::string_view text) {
  const auto [digits, suffix] = split_number(text);
  const auto value = suffix.empty() ? to_uint(digits) : std::nullopt;
  if (!value) return fail(ErrorCode::InvalidArgument, "expected a non-negative integer, got " + quoted(text));
  return *value;
}

Result<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "true") return true;
  if (lower == "false") return false;
  return fail(ErrorCode::InvalidArgument, "expected true or false, got " + quoted(text));
}

}  // namespace regscand::config
