#include "config/env_reader.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "config/feed_source.hpp"
#include "config/fields.hpp"

namespace regscand::config {
namespace {

constexpr std::string_view kPrefix = "REGSCAND_";
constexpr std::string_view kRegistriesPrefix = "REGSCAND_REGISTRIES";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::unexpected<Error> unknown_variable(std::string_view name) {
  std::string message = std::string(name) + ": unknown environment variable";
  std::string best;
  std::size_t best_distance = 4;  // suggest only close matches
  for (const auto& known : known_variables()) {
    const std::size_t distance = edit_distance(name, known);
    if (distance < best_distance) {
      best_distance = distance;
      best = known;
    }
  }
  if (!best.empty()) message += " (did you mean " + best + "?)";
  return fail(ErrorCode::InvalidArgument, std::move(message));
}

// Splits "a,b,,c" into its non-empty, trimmed entries.
std::vector<std::string_view> split_entries(std::string_view text) {
  std::vector<std::string_view> entries;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    if (!entry.empty()) entries.push_back(entry);
    if (comma == std::string_view::npos) return entries;
    text.remove_prefix(comma + 1);
  }
}

// Splits "name:role:token" into `parts` pieces; the last piece keeps any further ':'.
std::vector<std::string_view> split_parts(std::string_view entry, std::size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos) return {};
    out.push_back(entry.substr(0, colon));
    entry.remove_prefix(colon + 1);
  }
  out.push_back(entry);
  return out;
}

// Builds a list from "k1:k2:...,..." entries; `keys` names each ':'-separated part. Errors never quote
// an entry, which holds a token.
template <class Item>
Result<std::vector<Item>> parse_list(std::string_view text, std::string_view path, std::string_view variable,
                                     std::span<const ItemField<Item>> fields,
                                     std::span<const std::string_view> keys, std::string_view shape) {
  const std::string origin = "from " + std::string(variable);
  std::vector<Item> items;
  const auto entries = split_entries(text);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    const auto parts = split_parts(entries[i], keys.size());
    if (parts.empty()) return key_error(item_path, "expected " + std::string(shape), origin);
    Item item;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const ItemField<Item>* field = find_item_field(fields, keys[k]);
      if (auto set = field->set(item, parts[k]); !set) {
        return key_error(item_path + "." + std::string(keys[k]), set.error().message, origin);
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

Result<void> apply_lists(Config& config, const std::string& name, const std::string& value) {
  static constexpr std::string_view kTokenKeys[] = {"name", "role", "token"};
  static constexpr std::string_view kWebhookKeys[] = {"name", "token"};
  if (name == kTokensVariable) {
    auto tokens = parse_list(value, kTokensPath, name, api_token_fields(), kTokenKeys, "name:role:token");
    if (!tokens) return std::unexpected(std::move(tokens).error());
    config.auth.tokens = std::move(*tokens);
    return {};
  }
  auto tokens =
      parse_list(value, kWebhookTokensPath, name, webhook_token_fields(), kWebhookKeys, "name:token");
  if (!tokens) return std::unexpected(std::move(tokens).error());
  config.auth.webhook_tokens = std::move(*tokens);
  return {};
}

// Replaces feeds.sources with the comma-separated entries of `value` (empty: no sources).
Result<void> apply_feed_sources(Config& config, const std::string& name, const std::string& value) {
  std::vector<std::string> sources;
  for (const std::string_view entry : split_entries(value)) sources.emplace_back(entry);
  if (auto ok = check_feed_sources(sources, "from " + name); !ok) return ok;
  config.feeds.sources = std::move(sources);
  return {};
}

const ScalarField* find_by_variable(std::string_view name) {
  for (const auto& field : scalar_fields()) {
    if (env_name(field.path) == name) return &field;
  }
  return nullptr;
}

}  // namespace

Result<void> apply_environment(Config& config, const Environment& env) {
  std::set<std::string_view> set_paths;
  for (const auto& [name, value] : env) {
    if (!name.starts_with(kPrefix) || name == kConfigFileVariable) continue;
    if (name == kTokensVariable || name == kWebhookTokensVariable) {
      if (auto applied = apply_lists(config, name, value); !applied) return applied;
      continue;
    }
    if (name == kFeedSourcesVariable) {
      if (auto applied = apply_feed_sources(config, name, value); !applied) return applied;
      continue;
    }
    const ScalarField* field = find_by_variable(name);
    if (field == nullptr && name.starts_with(kRegistriesPrefix)) {
      return fail(ErrorCode::InvalidArgument,
                  name + ": registries cannot be set from the environment; list them in the config file");
    }
    if (field == nullptr) return unknown_variable(name);
    if (auto set = field->set(config, value); !set)
      return key_error(field->path, set.error().message, "from " + name);
    if (set_paths.contains(field->conflicts_with)) {
      return key_error(field->path, "cannot be combined with " + std::string(field->conflicts_with),
                       "from " + name);
    }
    set_paths.insert(field->path);
  }
  return {};
}

std::vector<std::string> known_variables() {
  std::vector<std::string> names{std::string(kConfigFileVariable), std::string(kTokensVariable),
                                 std::string(kWebhookTokensVariable), std::string(kFeedSourcesVariable)};
  for (const auto& field : scalar_fields()) names.push_back(env_name(field.path));
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace regscand::config
