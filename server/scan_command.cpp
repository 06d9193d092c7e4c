#include "server/scan_command.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <variant>

#include "scanner/pipeline/docker_archive_source.hpp"
#include "scanner/pipeline/resolve.hpp"
#include "scanner/pipeline/scan_target.hpp"

namespace regscand::server {
namespace {

namespace pipeline = scanner::pipeline;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

Result<std::unique_ptr<pipeline::ImageSource>> open_source(const pipeline::ScanTarget& target,
                                                           const ScanCommandOptions& options,
                                                           std::string& reference) {
  if (const auto* oci = std::get_if<pipeline::OciLayoutTarget>(&target)) {
    reference = oci->tag;
    return std::make_unique<pipeline::OciLayoutSource>(oci->dir);
  }
  if (const auto* archive = std::get_if<pipeline::DockerArchiveTarget>(&target)) {
    auto source = pipeline::DockerArchiveSource::open(archive->file);
    if (!source) return std::unexpected(std::move(source).error());
    reference.clear();
    return std::make_unique<pipeline::DockerArchiveSource>(std::move(*source));
  }
  const auto& image = std::get<pipeline::RegistryTarget>(target);
  config::RegistryConfig registry;
  registry.name = "cli";
  const std::string host = image.host == "docker.io" ? "registry-1.docker.io" : image.host;
  registry.url = (options.plain_http ? "http://" : "https://") + host;
  registry.insecure_skip_verify = options.insecure_skip_verify;
  if (!options.credentials.empty()) {
    const auto colon = options.credentials.find(':');
    if (colon == std::string::npos)
      return fail(ErrorCode::InvalidArgument, "--creds: expected user:password");
    registry.auth.type = config::RegistryAuthType::Basic;
    registry.auth.username = options.credentials.substr(0, colon);
    registry.auth.password = options.credentials.substr(colon + 1);
  }
  auto client = scanner::registry::RegistryClient::create(registry);
  if (!client) return std::unexpected(std::move(client).error());
  reference = image.reference;
  return std::make_unique<pipeline::RegistrySource>(std::move(*client), host, image.repository);
}

nlohmann::json to_json(const pipeline::Resolved& resolved, const std::string& reference) {
  nlohmann::json images = nlohmann::json::array();
  for (const auto& image : resolved.images) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : image.manifest.layers) {
      layers.push_back(
          {{"digest", layer.digest.str()}, {"media_type", layer.media_type}, {"size", layer.size}});
    }
    images.push_back(
        {{"digest", image.digest.str()},
         {"media_type", image.media_type},
         {"size", image.size},
         {"platform", image.config.platform.str()},
         {"index", image.index ? nlohmann::json(image.index->str()) : nlohmann::json(nullptr)},
         {"config", {{"digest", image.manifest.config.digest.str()}, {"user", image.config.user}}},
         {"layers", std::move(layers)}});
  }
  return {{"reference", reference},
          {"digest", resolved.digest.str()},
          {"media_type", resolved.media_type},
          {"images", std::move(images)},
          {"skipped", resolved.skipped},
          {"bytes_fetched", resolved.bytes_fetched}};
}

void print_table(const pipeline::Resolved& resolved, std::ostream& out) {
  out << resolved.digest.str() << "  " << resolved.media_type << "\n";
  for (const auto& image : resolved.images) {
    out << "  " << image.config.platform.str() << "  " << image.digest.str() << "  "
        << image.manifest.layers.size() << " layers\n";
    for (const auto& layer : image.manifest.layers)
      out << "    " << layer.digest.str() << "  " << layer.size << "\n";
  }
  for (const auto& skipped : resolved.skipped) out << "  skipped " << skipped << "\n";
}

}  // namespace

int run_scan(const ScanCommandOptions& options) {
  if (options.format != "json" && options.format != "table") {
    std::cerr << "regscand scan: --format must be json or table\n";
    return kExitUsage;
  }
  auto target = pipeline::parse_scan_target(options.reference);
  if (!target) {
    std::cerr << "regscand scan: " << target.error().message << "\n";
    return kExitUsage;
  }
  std::string reference;
  auto source = open_source(*target, options, reference);
  if (!source) {
    std::cerr << "regscand scan: " << source.error().message << "\n";
    return kExitFailed;
  }
  auto resolved = pipeline::resolve_images(**source, reference, {.platforms = options.platforms});
  if (!resolved) {
    std::cerr << "regscand scan: " << (*source)->describe() << ": " << resolved.error().message << "\n";
    return kExitFailed;
  }
  if (options.format == "table") {
    print_table(*resolved, std::cout);
  } else {
    std::cout << to_json(*resolved, options.reference).dump(2) << "\n";
  }
  return 0;
}

}  // namespace regscand::server
