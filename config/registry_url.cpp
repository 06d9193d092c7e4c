#include "config/registry_url.hpp"

#include "config/base/text.hpp"
#include "config/base/url.hpp"

namespace regscand::config {

std::string RegistryUrl::host_key() const {
  return port.empty() ? host : host + ":" + port;
}

std::string RegistryUrl::to_string() const {
  return scheme + "://" + host_key() + path;
}

Result<RegistryUrl> parse_registry_url(std::string_view text) {
  auto parts = url::split(text);
  if (!parts) return std::unexpected(std::move(parts).error());
  if (parts->has_userinfo) {
    return fail(ErrorCode::InvalidArgument,
                "must not contain user info (user:password@); use the auth section");
  }
  if (parts->query || parts->fragment) {
    return fail(ErrorCode::InvalidArgument, "must not have a query or fragment");
  }
  std::string_view path = parts->path;
  while (path.ends_with('/')) path.remove_suffix(1);
  return RegistryUrl{parts->scheme, parts->host, parts->port, std::string(path)};
}

std::string normalize_docker_auth_key(std::string_view key) {
  std::string text = text::lower_case(key);
  std::string_view view(text);
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (view.starts_with(scheme)) view.remove_prefix(scheme.size());
  }
  return std::string(view.substr(0, view.find('/')));
}

}  // namespace regscand::config
