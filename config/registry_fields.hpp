// The keys of one `registries` entry and of its `auth` section, and how the written auth section
// becomes a RegistryAuth (internal to config/). Like fields.hpp, setters and checks return the
// problem only; callers prefix the key.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"
#include "config/fields.hpp"

namespace regscand::config {

inline constexpr std::string_view kRegistriesPath = "registries";
inline constexpr std::string_view kRegistryWebhookTokensKey = "webhook_tokens";  // a list of strings
inline constexpr std::string_view kRegistryWebhookTokenFileKey = "webhook_token_file";
inline constexpr std::string_view kRegistryAuthKey = "auth";  // a mapping

// registries[i].auth as written, before it is checked against its type. A key given with an empty
// value is present (`password: ""`).
struct RegistryAuthSpec {
  std::optional<std::string> type;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> password_file;
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<std::string> file;
};

// The scalar keys of a registries entry (everything but webhook_tokens and auth).
std::span<const ItemField<RegistryConfig>> registry_fields();
std::span<const ItemField<RegistryAuthSpec>> registry_auth_fields();

// `path` is "registries[0].auth". Checks the keys against the type (required ones present, no
// foreign ones) and builds the RegistryAuth; a *_file secret is left unread (source_file set), and
// docker_config is left unresolved (from_docker_config, source_file = file).
[[nodiscard]] Result<RegistryAuth> build_registry_auth(const RegistryAuthSpec& spec, std::string_view path);

// [a-z0-9][a-z0-9_-]{0,62}.
[[nodiscard]] Result<void> check_registry_name(std::string_view name);

}  // namespace regscand::config
