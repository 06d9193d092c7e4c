#include "config/registry_fields.hpp"

#include <algorithm>
#include <array>

#include "config/base/text.hpp"
#include "config/registry_url.hpp"
#include "config/units.hpp"

namespace regscand::config {
namespace {

constexpr std::string_view kString = "a string";
constexpr std::string_view kBoolean = "true or false";
constexpr std::size_t kMaxRegistryNameLength = 63;

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Result<void> set_bool(bool& target, std::string_view text) {
  const auto value = parse_bool(text);
  if (!value) return std::unexpected(value.error());
  target = *value;
  return {};
}

Result<void> set_name(RegistryConfig& registry, std::string_view text) {
  if (auto ok = check_registry_name(text); !ok) return ok;
  registry.name = std::string(text);
  return {};
}

Result<void> set_kind(RegistryConfig& registry, std::string_view text) {
  const auto kind = parse_registry_kind(text);
  if (!kind)
    return fail(ErrorCode::InvalidArgument, "must be distribution|acr|harbor, got " + in_quotes(text));
  registry.kind = *kind;
  return {};
}

Result<void> set_url(RegistryConfig& registry, std::string_view text) {
  auto url = parse_registry_url(text);
  if (!url) return std::unexpected(std::move(url).error());
  registry.url = url->to_string();
  return {};
}

using R = RegistryConfig&;
using A = RegistryAuthSpec&;
using T = std::string_view;

constexpr std::array kRegistryFields{
    ItemField<RegistryConfig>{"name", kString, "", &set_name},
    ItemField<RegistryConfig>{"kind", kString, "", &set_kind},
    ItemField<RegistryConfig>{"url", kString, "", &set_url},
    ItemField<RegistryConfig>{kRegistryWebhookTokenFileKey, kString, kRegistryWebhookTokensKey,
                              [](R r, T t) -> Result<void> {
                                r.webhook_token_file = std::string(t);
                                return {};
                              }},
    ItemField<RegistryConfig>{"ca_file", kString, "",
                              [](R r, T t) -> Result<void> {
                                r.ca_file = std::string(t);
                                return {};
                              }},
    ItemField<RegistryConfig>{"insecure_skip_verify", kBoolean, "",
                              [](R r, T t) { return set_bool(r.insecure_skip_verify, t); }},
    ItemField<RegistryConfig>{"include_head_pulls", kBoolean, "",
                              [](R r, T t) { return set_bool(r.include_head_pulls, t); }},
};

template <std::optional<std::string> RegistryAuthSpec::*Member>
Result<void> set_spec(RegistryAuthSpec& spec, std::string_view text) {
  spec.*Member = std::string(text);
  return {};
}

constexpr std::array kRegistryAuthFields{
    ItemField<RegistryAuthSpec>{"type", kString, "", &set_spec<&RegistryAuthSpec::type>},
    ItemField<RegistryAuthSpec>{"username", kString, "", &set_spec<&RegistryAuthSpec::username>},
    ItemField<RegistryAuthSpec>{"password", kString, "password_file", &set_spec<&RegistryAuthSpec::password>},
    ItemField<RegistryAuthSpec>{"password_file", kString, "password",
                                &set_spec<&RegistryAuthSpec::password_file>},
    ItemField<RegistryAuthSpec>{"token", kString, "token_file", &set_spec<&RegistryAuthSpec::token>},
    ItemField<RegistryAuthSpec>{"token_file", kString, "token", &set_spec<&RegistryAuthSpec::token_file>},
    ItemField<RegistryAuthSpec>{"file", kString, "", &set_spec<&RegistryAuthSpec::file>},
};

struct SpecKey {
  std::string_view name;
  std::optional<std::string> RegistryAuthSpec::*member;
};

constexpr std::array kSpecKeys{
    SpecKey{"username", &RegistryAuthSpec::username},
    SpecKey{"password", &RegistryAuthSpec::password},
    SpecKey{"password_file", &RegistryAuthSpec::password_file},
    SpecKey{"token", &RegistryAuthSpec::token},
    SpecKey{"token_file", &RegistryAuthSpec::token_file},
    SpecKey{"file", &RegistryAuthSpec::file},
};

// Every key of `spec` other than `type` must be in `allowed`.
Result<void> check_foreign_keys(const RegistryAuthSpec& spec, std::string_view path, std::string_view type,
                                std::initializer_list<std::string_view> allowed) {
  for (const auto& key : kSpecKeys) {
    if (!(spec.*key.member)) continue;
    if (std::find(allowed.begin(), allowed.end(), key.name) != allowed.end()) continue;
    return key_error(std::string(path) + "." + std::string(key.name),
                     "not used with type " + std::string(type));
  }
  return {};
}

bool given(const std::optional<std::string>& value) {
  return value && !value->empty();
}

Result<RegistryAuth> build_basic(const RegistryAuthSpec& spec, std::string_view path) {
  if (auto ok = check_foreign_keys(spec, path, "basic", {"username", "password", "password_file"}); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  const std::string prefix = std::string(path) + ".";
  if (!given(spec.username)) return key_error(prefix + "username", "required for type basic");
  if (!given(spec.password) && !given(spec.password_file)) {
    return key_error(prefix + "password", "required for type basic (or password_file)");
  }
  RegistryAuth auth;
  auth.type = RegistryAuthType::Basic;
  auth.username = *spec.username;
  auth.password = spec.password.value_or("");
  auth.source_file = spec.password_file.value_or("");
  return auth;
}

Result<RegistryAuth> build_bearer(const RegistryAuthSpec& spec, std::string_view path) {
  if (auto ok = check_foreign_keys(spec, path, "bearer", {"token", "token_file"}); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (!given(spec.token) && !given(spec.token_file)) {
    return key_error(std::string(path) + ".token", "required for type bearer (or token_file)");
  }
  RegistryAuth auth;
  auth.type = RegistryAuthType::Bearer;
  auth.token = spec.token.value_or("");
  auth.source_file = spec.token_file.value_or("");
  return auth;
}

Result<RegistryAuth> build_docker_config(const RegistryAuthSpec& spec, std::string_view path) {
  if (auto ok = check_foreign_keys(spec, path, "docker_config", {"file"}); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (!given(spec.file)) return key_error(std::string(path) + ".file", "required for type docker_config");
  RegistryAuth auth;
  auth.source_file = *spec.file;
  auth.from_docker_config = true;
  return auth;
}

}  // namespace

std::span<const ItemField<RegistryConfig>> registry_fields() {
  return kRegistryFields;
}

std::span<const ItemField<RegistryAuthSpec>> registry_auth_fields() {
  return kRegistryAuthFields;
}

Result<RegistryAuth> build_registry_auth(const RegistryAuthSpec& spec, std::string_view path) {
  const std::string type_key = std::string(path) + ".type";
  if (!given(spec.type)) return key_error(type_key, "required: anonymous|basic|bearer|docker_config");
  const std::string type = text::lower_case(*spec.type);
  if (type == "anonymous") {
    if (auto ok = check_foreign_keys(spec, path, "anonymous", {}); !ok)
      return std::unexpected(std::move(ok).error());
    return RegistryAuth{};
  }
  if (type == "basic") return build_basic(spec, path);
  if (type == "bearer") return build_bearer(spec, path);
  if (type == "docker_config") return build_docker_config(spec, path);
  return key_error(type_key, "must be anonymous|basic|bearer|docker_config, got " + in_quotes(*spec.type));
}

Result<void> check_registry_name(std::string_view name) {
  if (name.empty()) return fail(ErrorCode::InvalidArgument, "must not be empty");
  bool valid = name.size() <= kMaxRegistryNameLength && is_lower_alnum(name.front());
  for (const char c : name) valid = valid && (is_lower_alnum(c) || c == '_' || c == '-');
  if (valid) return {};
  return fail(ErrorCode::InvalidArgument,
              "must match [a-z0-9][a-z0-9_-]{0,62} (lower case, used in /v1/webhooks/{name}), got " +
                  in_quotes(name));
}

}  // namespace regscand::config
