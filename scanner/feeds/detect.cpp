#include "scanner/feeds/detect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace regscand::scanner::feeds {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDepth = 64;

bool tracker_id(std::string_view key) {
  return key.starts_with("CVE-") || key.starts_with("TEMP-");
}

// Watches the JSON events of a document's start and stops (returns false) once the kind is known, on a
// parse error (a truncated prefix ends in one), or when the document is not an object.
class Sniffer final : public json::json_sax_t {
 public:
  FeedKind kind() const { return kind_; }

  bool null() override { return value(Value::Other); }
  bool boolean(bool /*v*/) override { return value(Value::Other); }
  bool number_integer(number_integer_t /*v*/) override { return value(Value::Other); }
  bool number_unsigned(number_unsigned_t /*v*/) override { return value(Value::Other); }
  bool number_float(number_float_t /*v*/, const string_t& /*s*/) override { return value(Value::Other); }
  bool string(string_t& /*v*/) override { return value(Value::String); }
  bool binary(binary_t& /*v*/) override { return value(Value::Other); }
  bool start_object(std::size_t /*n*/) override { return value(Value::Object) && push(true); }
  bool start_array(std::size_t /*n*/) override { return value(Value::Array) && push(false); }
  bool end_object() override { return pop(); }
  bool end_array() override { return pop(); }

  bool key(string_t& key) override {
    const std::size_t depth = open_.size();
    if (depth < keys_.size()) keys_[depth] = key;
    // root { package { CVE-… { "releases" …
    if (depth == 3 && open_[1] && open_[2] && key == "releases" && tracker_id(keys_[2])) {
      kind_ = FeedKind::DebianTracker;
      return false;
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*e*/) override {
    return false;
  }

 private:
  enum class Value { String, Object, Array, Other };

  // A value is about to be read (before its container, if any, is pushed).
  bool value(Value v) {
    const std::size_t depth = open_.size();
    if (depth == 0) return v == Value::Object;
    if (depth != 1) return true;
    const std::string& key = keys_[1];
    const bool is_string = v == Value::String;
    if (key == "id" && is_string) id_ = true;
    if (key == "modified" && is_string) modified_ = true;
    if (key == "distroversion" && is_string) distroversion_ = true;
    if (key == "packages") packages_ = true;
    if (distroversion_ && packages_) {
      kind_ = FeedKind::AlpineSecdb;
      return false;
    }
    if (id_ && modified_) {
      kind_ = FeedKind::OsvRecord;
      return false;
    }
    return true;
  }

  bool push(bool object) {
    if (open_.size() >= kMaxDepth) return false;
    open_.push_back(object);
    return true;
  }

  bool pop() {
    if (!open_.empty()) open_.pop_back();
    return true;
  }

  FeedKind kind_ = FeedKind::Unknown;
  std::vector<bool> open_;           // the containers open, true for an object; [0] is the root
  std::array<std::string, 4> keys_;  // the current key of the open object at each depth (1 = the root's)
  bool id_ = false, modified_ = false, distroversion_ = false, packages_ = false;
};

}  // namespace

std::string_view feed_kind_name(FeedKind kind) {
  switch (kind) {
    case FeedKind::OsvZip:
      return "osv-zip";
    case FeedKind::OsvDirectory:
      return "osv-dir";
    case FeedKind::OsvRecord:
      return "osv-record";
    case FeedKind::DebianTracker:
      return "debian-tracker";
    case FeedKind::AlpineSecdb:
      return "alpine-secdb";
    case FeedKind::Unknown:
      break;
  }
  return "unknown";
}

FeedKind detect_feed_content(std::string_view prefix) {
  prefix = prefix.substr(0, kDetectPrefixBytes);
  if (prefix.starts_with(std::string_view("PK\x03\x04", 4)) ||
      prefix.starts_with(std::string_view("PK\x05\x06", 4))) {
    return FeedKind::OsvZip;
  }
  Sniffer sniffer;
  (void)json::sax_parse(prefix.begin(), prefix.end(), &sniffer, json::input_format_t::json, /*strict=*/false);
  return sniffer.kind();
}

FeedKind detect_feed(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return FeedKind::OsvDirectory;
  std::ifstream in(path, std::ios::binary);
  if (!in) return FeedKind::Unknown;
  const auto size = std::filesystem::file_size(path, ec);
  std::string prefix(ec ? kDetectPrefixBytes : std::min<std::uintmax_t>(size, kDetectPrefixBytes), '\0');
  in.read(prefix.data(), static_cast<std::streamsize>(prefix.size()));
  prefix.resize(static_cast<std::size_t>(in.gcount()));
  return detect_feed_content(prefix);
}

}  // namespace regscand::scanner::feeds
