#include "config/yaml_reader.hpp"

#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/feed_source.hpp"
#include "config/fields.hpp"
#include "config/registry_fields.hpp"

namespace regscand::config {
namespace {

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string join(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

// True if some key lives below `path`, i.e. `path` is a section such as "server.tls".
bool is_section(std::string_view path) {
  if (path.empty()) return true;
  const std::string prefix = std::string(path) + ".";
  for (const auto& field : scalar_fields()) {
    if (field.path.starts_with(prefix)) return true;
  }
  return std::string_view(kTokensPath).starts_with(prefix) ||
         std::string_view(kWebhookTokensPath).starts_with(prefix) ||
         std::string_view(kFeedSourcesPath).starts_with(prefix);
}

class Reader {
 public:
  Reader(Config& config, std::string_view file_name) : config_(config), file_name_(file_name) {}

  Result<void> read_section(const YAML::Node& node, const std::string& path) {
    if (node.IsNull()) return {};
    if (!node.IsMap()) return error(path, "expected a mapping, got " + std::string(describe(node)), node);
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) return error(path, "keys must be plain strings", key);
      const std::string child = join(path, key.Scalar());
      if (!seen.insert(key.Scalar()).second) return error(child, "duplicate key", key);
      if (auto read = read_entry(entry.second, child, key); !read) return read;
    }
    return {};
  }

 private:
  Result<void> read_entry(const YAML::Node& value, const std::string& path, const YAML::Node& key) {
    if (const ScalarField* field = find_scalar_field(path)) return read_scalar(value, *field);
    if (path == kTokensPath) return read_list(value, path, api_token_fields(), config_.auth.tokens);
    if (path == kWebhookTokensPath) {
      return read_list(value, path, webhook_token_fields(), config_.auth.webhook_tokens);
    }
    if (path == kRegistriesPath) return read_registries(value, path);
    if (path == kFeedSourcesPath) return read_feed_sources(value, path);
    if (is_section(path)) return read_section(value, path);
    return error(path, "unknown key", key);
  }

  // The text of a scalar value, or an error naming `path` and the expected type.
  Result<std::string> scalar_text(const YAML::Node& value, std::string_view path, std::string_view type,
                                  bool null_is_empty) {
    if (value.IsScalar()) return value.Scalar();
    if (value.IsNull() && null_is_empty) return std::string();
    return error(path, "expected " + std::string(type) + ", got " + std::string(describe(value)), value);
  }

  Result<void> read_scalar(const YAML::Node& value, const ScalarField& field) {
    auto text = scalar_text(value, field.path, field.type, field.is_string);
    if (!text) return std::unexpected(std::move(text).error());
    if (auto set = field.set(config_, *text); !set) return error(field.path, set.error().message, value);
    if (!field.conflicts_with.empty() && set_paths_.contains(std::string(field.conflicts_with))) {
      return error(field.path, "cannot be combined with " + std::string(field.conflicts_with), value);
    }
    set_paths_.insert(std::string(field.path));
    return {};
  }

  template <class Item>
  Result<void> read_list(const YAML::Node& node, const std::string& path,
                         std::span<const ItemField<Item>> fields, std::vector<Item>& out) {
    out.clear();
    if (node.IsNull()) return {};
    if (!node.IsSequence()) return error(path, "expected a list, got " + std::string(describe(node)), node);
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto item = read_item(node[i], path + "[" + std::to_string(i) + "]", fields);
      if (!item) return std::unexpected(std::move(item).error());
      out.push_back(std::move(*item));
    }
    return {};
  }

  // Calls visit(key, value, child_path) for each entry of the mapping at `path`, rejecting
  // non-string keys, duplicate keys and, via `conflicts`, a key whose partner was already seen.
  template <class Conflicts, class Visit>
  Result<void> for_each_entry(const YAML::Node& node, const std::string& path, Conflicts conflicts,
                              Visit visit) {
    if (!node.IsMap()) return error(path, "expected a mapping, got " + std::string(describe(node)), node);
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) return error(path, "keys must be plain strings", key);
      const std::string child = path + "." + key.Scalar();
      if (!seen.insert(key.Scalar()).second) return error(child, "duplicate key", key);
      const std::string_view partner = conflicts(key.Scalar());
      if (!partner.empty() && seen.contains(std::string(partner))) {
        return error(child, "cannot be combined with " + path + "." + std::string(partner), key);
      }
      if (auto read = visit(key, entry.second, child); !read) return read;
    }
    return {};
  }

  // One scalar key of a list item, through its ItemField.
  template <class Item>
  Result<void> read_item_field(Item& item, const ItemField<Item>& field, const YAML::Node& value,
                               const std::string& child) {
    auto text = scalar_text(value, child, field.type, true);
    if (!text) return std::unexpected(std::move(text).error());
    if (auto set = field.set(item, *text); !set) return error(child, set.error().message, value);
    return {};
  }

  template <class Item>
  Result<Item> read_item(const YAML::Node& node, const std::string& path,
                         std::span<const ItemField<Item>> fields) {
    Item item;
    const auto conflicts = [&](const std::string& key) {
      const ItemField<Item>* field = find_item_field(fields, key);
      return field == nullptr ? std::string_view() : field->conflicts_with;
    };
    auto read = for_each_entry(
        node, path, conflicts,
        [&](const YAML::Node& key, const YAML::Node& value, const std::string& child) -> Result<void> {
          const ItemField<Item>* field = find_item_field(fields, key.Scalar());
          if (field == nullptr) return error(child, "unknown key", key);
          return read_item_field(item, *field, value, child);
        });
    if (!read) return std::unexpected(std::move(read).error());
    return item;
  }

  Result<void> read_registries(const YAML::Node& node, const std::string& path) {
    config_.registries.clear();
    if (node.IsNull()) return {};
    if (!node.IsSequence()) return error(path, "expected a list, got " + std::string(describe(node)), node);
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto registry = read_registry(node[i], path + "[" + std::to_string(i) + "]");
      if (!registry) return std::unexpected(std::move(registry).error());
      config_.registries.push_back(std::move(*registry));
    }
    return {};
  }

  Result<RegistryConfig> read_registry(const YAML::Node& node, const std::string& path) {
    RegistryConfig registry;
    const auto conflicts = [](const std::string& key) -> std::string_view {
      if (key == kRegistryWebhookTokensKey) return kRegistryWebhookTokenFileKey;
      const ItemField<RegistryConfig>* field = find_item_field(registry_fields(), key);
      return field == nullptr ? std::string_view() : field->conflicts_with;
    };
    auto read = for_each_entry(
        node, path, conflicts,
        [&](const YAML::Node& key, const YAML::Node& value, const std::string& child) -> Result<void> {
          if (key.Scalar() == kRegistryWebhookTokensKey)
            return read_strings(value, child, registry.webhook_tokens);
          if (key.Scalar() == kRegistryAuthKey) return read_registry_auth(value, child, registry.auth);
          const ItemField<RegistryConfig>* field = find_item_field(registry_fields(), key.Scalar());
          if (field == nullptr) return error(child, "unknown key", key);
          return read_item_field(registry, *field, value, child);
        });
    if (!read) return std::unexpected(std::move(read).error());
    return registry;
  }

  Result<void> read_strings(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
    out.clear();
    if (node.IsNull()) return {};
    if (!node.IsSequence()) return error(path, "expected a list, got " + std::string(describe(node)), node);
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto text = scalar_text(node[i], path + "[" + std::to_string(i) + "]", "a string", true);
      if (!text) return std::unexpected(std::move(text).error());
      out.push_back(std::move(*text));
    }
    return {};
  }

  // feeds.sources: a list of strings replacing the default; each entry is checked where it is written.
  Result<void> read_feed_sources(const YAML::Node& node, const std::string& path) {
    std::vector<std::string>& sources = config_.feeds.sources;
    if (auto read = read_strings(node, path, sources); !read) return read;
    if (auto ok = check_feed_source_count(sources.size()); !ok) return error(path, ok.error().message, node);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (auto ok = check_feed_source_entry(sources, i); !ok) {
        return error(path + "[" + std::to_string(i) + "]", ok.error().message, node[i]);
      }
    }
    return {};
  }

  Result<void> read_registry_auth(const YAML::Node& node, const std::string& path, RegistryAuth& out) {
    if (node.IsNull()) {  // `auth:` with no value: the default, anonymous
      out = RegistryAuth{};
      return {};
    }
    auto spec = read_item(node, path, registry_auth_fields());
    if (!spec) return std::unexpected(std::move(spec).error());
    auto auth = build_registry_auth(*spec, path);
    if (!auth) return fail(auth.error().code, auth.error().message + " (" + location(node.Mark()) + ")");
    out = std::move(*auth);
    return {};
  }

  std::unexpected<Error> error(std::string_view path, std::string_view problem, const YAML::Node& node) {
    return key_error(path.empty() ? file_name_ : path, problem, location(node.Mark()));
  }

  std::string location(const YAML::Mark& mark) const {
    if (mark.is_null()) return std::string(file_name_);
    return std::string(file_name_) + ":" + std::to_string(mark.line + 1) + ":" +
           std::to_string(mark.column + 1);
  }

  Config& config_;
  std::string_view file_name_;
  std::set<std::string> set_paths_;  // scalar keys set by this document, for conflicts_with
};

}  // namespace

Result<void> apply_yaml(Config& config, std::string_view yaml, std::string_view file_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    std::string where(file_name);
    if (!e.mark.is_null())
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return fail(ErrorCode::InvalidArgument, where + ": invalid YAML: " + e.msg);
  }
  if (documents.empty()) return {};
  if (documents.size() > 1) {
    return fail(ErrorCode::InvalidArgument, std::string(file_name) + ": expected one YAML document, found " +
                                                std::to_string(documents.size()));
  }
  // Node access does not throw on a parsed document, but yaml-cpp documents no guarantee: keep its
  // exceptions inside this adapter.
  try {
    return Reader(config, file_name).read_section(documents.front(), "");
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::InvalidArgument, std::string(file_name) + ": " + e.msg);
  }
}

}  // namespace regscand::config
