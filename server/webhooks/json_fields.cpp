#include "server/webhooks/json_fields.hpp"

#include "scanner/model/reference.hpp"

namespace regscand::server::webhooks {
namespace {

std::string field(std::string_view path, std::string_view key) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

}  // namespace

Result<std::string> required_string(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return fail(ErrorCode::InvalidArgument, field(path, key) + ": missing");
  if (!it->is_string()) return fail(ErrorCode::InvalidArgument, field(path, key) + ": must be a string");
  return it->get<std::string>();
}

Result<std::string> optional_string(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(ErrorCode::InvalidArgument, field(path, key) + ": must be a string");
  return it->get<std::string>();
}

Result<std::int64_t> optional_size(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::int64_t{0};
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v);
  }
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return it->get<std::int64_t>();
  return fail(ErrorCode::InvalidArgument, field(path, key) + ": must be a non-negative integer");
}

Result<const nlohmann::json*> required_object(const nlohmann::json& obj, std::string_view key,
                                              std::string_view path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return fail(ErrorCode::InvalidArgument, field(path, key) + ": missing");
  if (!it->is_object()) return fail(ErrorCode::InvalidArgument, field(path, key) + ": must be an object");
  return &*it;
}

Result<scanner::Digest> parse_digest_field(const std::string& text, std::string_view path) {
  auto digest = scanner::Digest::parse(text);
  if (!digest) {
    return fail(ErrorCode::InvalidArgument,
                std::string(path) + ": not a digest (want algorithm:hex, e.g. sha256:<64 hex>)");
  }
  return std::move(*digest);
}

Result<std::string> checked_repository(std::string name, std::string_view path) {
  if (!scanner::is_valid_repository(name)) {
    return fail(ErrorCode::InvalidArgument, std::string(path) + ": not a valid repository name");
  }
  return name;
}

Result<std::string> checked_tag(std::string tag, std::string_view path) {
  if (!tag.empty() && !scanner::is_valid_tag(tag)) {
    return fail(ErrorCode::InvalidArgument, std::string(path) + ": not a valid tag");
  }
  return tag;
}

}  // namespace regscand::server::webhooks
