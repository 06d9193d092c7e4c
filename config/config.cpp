#include "config/config.hpp"

namespace regscand::config {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Reader: return "reader";
    case Role::Writer: return "writer";
    case Role::Admin: return "admin";
  }
  return "reader";
}

bool Config::dev_mode() const { return database.embedded_mode() && server.host == "127.0.0.1"; }

Environment process_environment() { return {}; }

Result<Config> load(const std::optional<std::filesystem::path>&, const Environment&) { return Config{}; }

Result<Config> load_from_string(std::string_view, std::string_view, const Environment&) { return Config{}; }

Result<void> validate(const Config&) { return {}; }

std::string dump_redacted(const Config&) { return {}; }

}  // namespace regscand::config
