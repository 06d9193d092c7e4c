// regscand: the composition root. Parses the command line, loads the configuration and hands over to
// one subcommand; `main` is the last catch-all boundary (an escaped exception is logged, exit 70).
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "config/base/log.hpp"
#include "config/config.hpp"
#include "scanner/ecosystems/builtin.hpp"
#include "server/api/version.hpp"
#include "server/commands.hpp"
#include "server/healthcheck_command.hpp"
#include "server/scan_command.hpp"

namespace {

using namespace regscand;

constexpr int kExitConfig = 2;
constexpr int kExitSoftware = 70;

// Loads and validates the configuration; prints the error (naming the key) on failure.
std::optional<config::Config> load_config(const std::string& file_flag) {
  const auto env = config::process_environment();
  const auto flag = file_flag.empty() ? std::nullopt : std::optional<std::filesystem::path>(file_flag);
  auto loaded = config::load(config::resolve_config_file(flag, env), env);
  if (!loaded) {
    std::cerr << "regscand: configuration error: " << loaded.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

bool setup_logging(const config::Config& config) {
  if (auto ok = log::setup(config.logging.level, config.logging.format); !ok) {
    std::cerr << "regscand: " << ok.error().message << "\n";
    return false;
  }
  return true;
}

// "apk, dpkg, ...": the built-in package scanners, as `scan` runs them.
std::string package_scanner_names() {
  std::string names;
  for (const auto& scanner : scanner::ecosystems::builtin_package_scanners()) {
    names += (names.empty() ? "" : ", ") + std::string(scanner->name());
  }
  return names;
}

int run(int argc, char** argv) {
  CLI::App app{
      "regscand: a registry-side container image scanning daemon. Registries send it webhooks; it scans "
      "pushed\n"
      "images and serves findings over a REST API. Configuration: YAML file (--config or REGSCAND_CONFIG),\n"
      "overridden by REGSCAND_* environment variables; see docs/configuration.md."};
  app.require_subcommand(1);
  std::string config_file;
  const auto add_config_option = [&config_file](CLI::App* command) {
    command->add_option("-c,--config", config_file,
                        "YAML configuration file (default: $REGSCAND_CONFIG, else none)");
  };

  auto* serve = app.add_subcommand(
      "serve",
      "Run the daemon: HTTP API, health and metrics. Applies database migrations at start. With no\n"
      "database.url it runs a private PostgreSQL cluster under data_dir/pg. Stops on SIGINT/SIGTERM.");
  add_config_option(serve);
  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and exit.");
  add_config_option(migrate);
  server::ScanCommandOptions scan_options;
  auto* scan = app.add_subcommand(
      "scan", "Inventory one image without a daemon or a database: platforms, layers, OS and packages (" +
                  package_scanner_names() +
                  ")\n"
                  "with the layer that introduced each.\n"
                  "REF: registry/repo:tag, registry/repo@sha256:..., oci:DIR[:TAG] or docker-archive:FILE.\n"
                  "Exit code 0 when scanned, 1 when the scan failed, 2 for a malformed reference or option.");
  scan->add_option("REF", scan_options.reference, "the image")->required();
  scan->add_option("--format", scan_options.format, "json (default) or table");
  scan->add_option("--platform", scan_options.platforms,
                   "only these platforms of an index (os/arch[/variant])");
  scan->add_option("--creds", scan_options.credentials, "user:password for the registry");
  scan->add_option(
      "--feeds", scan_options.feeds,
      "match against these feeds (OSV zip or directory, Debian tracker JSON, Alpine secdb JSON)");
  scan->add_flag("--plain-http", scan_options.plain_http, "talk to the registry over http");
  scan->add_flag("--insecure-skip-verify", scan_options.insecure_skip_verify,
                 "do not verify the registry's TLS certificate");
  auto* feeds = app.add_subcommand("feeds", "Work with the vulnerability feeds.");
  feeds->require_subcommand(1);
  std::vector<std::string> feed_sources;
  bool force_import = false;
  auto* feeds_import = feeds->add_subcommand(
      "import",
      "Import feed sources (OSV all.zip or directory of records, Debian security tracker JSON, Alpine\n"
      "secdb JSON; detected by content) into the database, then re-match the stored inventories the\n"
      "change touches. Without SOURCE, the configured feeds.sources (\"default\": the built-in upstream "
      "list,\n"
      "docs/feeds.md); URLs are read through feeds.mirror when set. Unchanged sources are skipped.");
  feeds_import->add_option(
      "SOURCE", feed_sources,
      "feed files, directories or http(s) URLs (user:token@ in a URL is sent as Basic auth)");
  feeds_import->add_flag("--force", force_import, "import even when a source is unchanged");
  add_config_option(feeds_import);
  auto* feeds_status = feeds->add_subcommand(
      "status",
      "Print each feed source's last success, last check, last error and advisory count, as stored in\n"
      "the database (shared by every replica). Exit 1 when a configured source has not been imported\n"
      "or its last attempt failed.");
  add_config_option(feeds_status);
  std::filesystem::path mirror_dir;
  auto* feeds_mirror = feeds->add_subcommand(
      "mirror",
      "Download the configured upstream feed URLs into DIR/<host>/<path>; any static file server on DIR\n"
      "is then a feeds.mirror. Exit 1 when any source failed (the others are still written).");
  feeds_mirror->add_option("DIR", mirror_dir, "the mirror directory (created when missing)")->required();
  add_config_option(feeds_mirror);
  auto* version = app.add_subcommand("version", "Print the version and exit.");
  std::string healthcheck_url = server::kDefaultHealthcheckUrl;
  auto* healthcheck = app.add_subcommand(
      "healthcheck",
      "GET a URL (default: the image's /healthz) and exit 0 on a 2xx answer within 5 s, 1 otherwise:\n"
      "the container HEALTHCHECK, for images with no curl or shell.");
  healthcheck->add_option("URL", healthcheck_url, "http(s) URL to probe");
  auto* config_cmd = app.add_subcommand("config", "Work with the configuration.");
  config_cmd->require_subcommand(1);
  auto* check = config_cmd->add_subcommand(
      "check",
      "Validate the configuration (file + environment) and print the effective configuration,\n"
      "secrets redacted. Exit code 0 when valid, 2 with the offending key otherwise.");
  add_config_option(check);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (scan->parsed()) return server::run_scan(scan_options);
  if (healthcheck->parsed()) return server::run_healthcheck(healthcheck_url, std::chrono::seconds(5));
  if (version->parsed()) {
    std::cout << "regscand " << server::api::version() << "\n";
    return 0;
  }
  auto config = load_config(config_file);
  if (!config) return kExitConfig;
  if (check->parsed()) {
    std::cout << config::dump_redacted(*config);
    return 0;
  }
  if (!setup_logging(*config)) return kExitConfig;
  if (serve->parsed()) return server::run_serve(*config);
  if (migrate->parsed()) return server::run_migrate(*config);
  if (feeds_import->parsed()) return server::run_feeds_import(*config, feed_sources, force_import);
  if (feeds_status->parsed()) return server::run_feeds_status(*config);
  if (feeds_mirror->parsed()) return server::run_feeds_mirror(*config, mirror_dir);
  return kExitConfig;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    spdlog::critical("unexpected error: {}", e.what());
  } catch (...) {
    spdlog::critical("unexpected error");
  }
  return kExitSoftware;
}
