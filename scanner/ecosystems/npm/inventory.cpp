#include "scanner/ecosystems/npm/inventory.hpp"

#include "config/base/json_input.hpp"
#include "scanner/ecosystems/common/metadata_files.hpp"

namespace regscand::scanner::ecosystems::npm {
namespace {

constexpr std::string_view kFile = "/package.json";
constexpr std::size_t kMaxName = 214;  // npm's own limit
constexpr std::size_t kMaxVersion = 256;

bool is_node_modules(std::string_view dir) {
  return dir == "node_modules" || dir.ends_with("/node_modules");
}

// Splits "a/b/c" into "a/b" and "c"; false when there is no '/'.
bool split_last(std::string_view path, std::string_view& parent, std::string_view& last) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  parent = path.substr(0, slash);
  last = path.substr(slash + 1);
  return true;
}

// A string member: nullopt when absent, null or empty; InvalidArgument when of another type.
Result<std::optional<std::string>> string_member(const nlohmann::json& doc, const char* key,
                                                 const std::string& where) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return fail(ErrorCode::InvalidArgument, where + "\"" + key + "\" is not a string");
  const auto& value = it->get_ref<const std::string&>();
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

Result<std::optional<Package>> parse_package_json(std::string_view text, std::string_view path) {
  const std::string where = "npm: " + std::string(path) + ": ";
  auto doc = parse_json(text);
  if (!doc) return fail(ErrorCode::InvalidArgument, where + doc.error().message);
  if (!doc->is_object()) return fail(ErrorCode::InvalidArgument, where + "not a JSON object");
  if (const auto it = doc->find("private"); it != doc->end() && it->is_boolean() && it->get<bool>()) {
    return std::nullopt;
  }
  auto name = string_member(*doc, "name", where);
  if (!name) return std::unexpected(std::move(name).error());
  auto version = string_member(*doc, "version", where);
  if (!version) return std::unexpected(std::move(version).error());
  if (!*name || !*version) return std::nullopt;
  if (!common::plain_token(**name, kMaxName))
    return fail(ErrorCode::InvalidArgument, where + "unusable name");
  if (!common::plain_token(**version, kMaxVersion)) {
    return fail(ErrorCode::InvalidArgument, where + "unusable version");
  }
  Package p;
  p.ecosystem = "npm";
  p.name = std::move(**name);
  p.version = std::move(**version);
  p.source_name = p.name;
  p.source_version = p.version;
  p.path = std::string(path);
  return p;
}

bool PackageJsonScanner::wants(std::string_view path) const {
  if (!path.ends_with(kFile)) return false;
  std::string_view parent, name;
  if (!split_last(path.substr(0, path.size() - kFile.size()), parent, name)) return false;
  if (name.empty() || name.front() == '.' || name.front() == '@') return false;
  if (is_node_modules(parent)) return true;
  std::string_view above, scope;
  if (!split_last(parent, above, scope)) return false;
  return scope.size() > 1 && scope.front() == '@' && is_node_modules(above);
}

Result<std::vector<Package>> PackageJsonScanner::scan(const layers::LayerFiles& files) const {
  return common::scan_each(*this, files, parse_package_json);
}

}  // namespace regscand::scanner::ecosystems::npm
