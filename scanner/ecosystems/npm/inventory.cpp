#include "scanner/ecosystems/npm/inventory.hpp"

#include <nlohmann/json.hpp>

#include <string>

#include "scanner/ecosystems/common/metadata_files.hpp"

namespace regscand::scanner::ecosystems::npm {
namespace {

constexpr std::string_view kFile = "/package.json";
constexpr std::size_t kMaxName = 214;  // npm's own limit
constexpr std::size_t kMaxVersion = 256;
// Installed package.json files are a few KB; npm before 5 copied the README in ("readme"), which makes the
// largest a few hundred KB. A file over 1 MiB is not read (a problem), well below what would cost memory.
constexpr common::FileCap kPackageJsonCap{"max_package_json_bytes", 1 << 20};

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

// The top-level members package.json is read for, taken from nlohmann's SAX events: no document is built,
// so memory stays that of the text however many elements it holds.
class TopLevelMembers final : public nlohmann::json_sax<nlohmann::json> {
 public:
  enum class Kind { Absent, Null, String, Other };
  struct Member {
    Kind kind = Kind::Absent;
    std::string text;
    bool is_true = false;
  };

  bool null() override { return scalar(Kind::Null); }
  bool boolean(bool value) override {
    if (depth_ == 1 && current_ != nullptr) current_->is_true = value;
    return scalar(Kind::Other);
  }
  bool number_integer(number_integer_t) override { return scalar(Kind::Other); }
  bool number_unsigned(number_unsigned_t) override { return scalar(Kind::Other); }
  bool number_float(number_float_t, const string_t&) override { return scalar(Kind::Other); }
  bool string(string_t& value) override {
    if (depth_ == 1 && current_ != nullptr) current_->text = std::move(value);
    return scalar(Kind::String);
  }
  bool binary(binary_t&) override { return scalar(Kind::Other); }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    current_ = nullptr;
    if (depth_ != 1) return true;
    if (name == "name") current_ = &name_;
    if (name == "version") current_ = &version_;
    if (name == "private") current_ = &private_;
    if (current_ != nullptr) *current_ = Member{};
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    if (error_.empty()) error_ = "invalid JSON (or invalid UTF-8 in a string)";
    return false;
  }

  bool top_is_object() const { return top_is_object_; }
  const std::string& error() const { return error_; }
  const Member& name() const { return name_; }
  const Member& version() const { return version_; }
  bool is_private() const { return private_.kind == Kind::Other && private_.is_true; }

 private:
  bool scalar(Kind kind) {
    if (depth_ == 1 && current_ != nullptr) current_->kind = kind;
    current_ = nullptr;
    return true;
  }
  bool open(bool object) {
    if (depth_ == 0) top_is_object_ = object;
    if (depth_ == 1 && current_ != nullptr) current_->kind = Kind::Other;
    current_ = nullptr;
    if (++depth_ > kMaxDepth) {
      error_ = "JSON nesting deeper than " + std::to_string(kMaxDepth);
      return false;
    }
    return true;
  }
  bool close() {
    --depth_;
    current_ = nullptr;
    return true;
  }

  static constexpr std::size_t kMaxDepth = 32;
  std::size_t depth_ = 0;
  bool top_is_object_ = false;
  Member* current_ = nullptr;
  Member name_, version_, private_;
  std::string error_;
};

// A string member: nullopt when absent, null or empty; InvalidArgument when of another type.
Result<std::optional<std::string>> string_member(const TopLevelMembers::Member& member, const char* key,
                                                 const std::string& where) {
  using Kind = TopLevelMembers::Kind;
  if (member.kind == Kind::Absent || member.kind == Kind::Null) return std::nullopt;
  if (member.kind != Kind::String)
    return fail(ErrorCode::InvalidArgument, where + "\"" + key + "\" is not a string");
  if (member.text.empty()) return std::nullopt;
  return member.text;
}

}  // namespace

Result<std::optional<Package>> parse_package_json(std::string_view text, std::string_view path) {
  const std::string where = "npm: " + std::string(path) + ": ";
  TopLevelMembers members;
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &members)) {
    const std::string reason = members.error().empty() ? "invalid JSON" : members.error();
    return fail(ErrorCode::InvalidArgument, where + reason);
  }
  if (!members.top_is_object()) return fail(ErrorCode::InvalidArgument, where + "not a JSON object");
  if (members.is_private()) return std::nullopt;
  auto name = string_member(members.name(), "name", where);
  if (!name) return std::unexpected(std::move(name).error());
  auto version = string_member(members.version(), "version", where);
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

Result<LayerPackages> PackageJsonScanner::scan(const layers::LayerFiles& files) const {
  return common::scan_each(*this, files, parse_package_json, kPackageJsonCap);
}

}  // namespace regscand::scanner::ecosystems::npm
