// The fixed table of configuration keys and how each is set from text: the one place that knows every
// key, shared by the YAML reader, the environment reader and the docs test. Internal to config/.
// A setter's error carries the problem only ("expected a duration ..., got \"x\""); readers prefix
// the key and append where the value came from.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::config {

struct ScalarField {
  std::string_view path;            // "server.tls.cert_file"
  std::string_view type;            // for "expected <type>" errors: "a string", "a duration", ...
  bool is_string;                   // a YAML null means "" (other types reject null)
  std::string_view conflicts_with;  // a key that may not be set in the same layer, "" if none
  Result<void> (*set)(Config& config, std::string_view text);
};

template <class Item>
struct ItemField {
  std::string_view key;  // "name", "role", "token", "token_file"
  std::string_view type;
  std::string_view conflicts_with;
  Result<void> (*set)(Item& item, std::string_view text);
};

inline constexpr std::string_view kTokensPath = "auth.tokens";
inline constexpr std::string_view kWebhookTokensPath = "auth.webhook_tokens";
inline constexpr std::string_view kFeedSourcesPath = "feeds.sources";  // a list of strings
inline constexpr std::string_view kDefaultFeedSources = "default";     // the entry naming the built-in list
inline constexpr std::string_view kConfigFileVariable = "REGSCAND_CONFIG";

std::span<const ScalarField> scalar_fields();
const ScalarField* find_scalar_field(std::string_view path);

std::span<const ItemField<ApiToken>> api_token_fields();
std::span<const ItemField<WebhookToken>> webhook_token_fields();

template <class Item>
const ItemField<Item>* find_item_field(std::span<const ItemField<Item>> fields, std::string_view key) {
  for (const auto& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

// "server.tls.cert_file" -> "REGSCAND_SERVER_TLS_CERT_FILE".
std::string env_name(std::string_view path);

// "server.threads: expected ..." with an optional " (origin)" suffix, as an InvalidArgument error.
std::unexpected<Error> key_error(std::string_view path, std::string_view problem,
                                 std::string_view origin = {});

}  // namespace regscand::config
