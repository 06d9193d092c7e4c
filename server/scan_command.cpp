#include "server/scan_command.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <variant>

#include "scanner/ecosystems/builtin.hpp"
#include "scanner/feeds/load.hpp"
#include "scanner/matching/match.hpp"
#include "scanner/pipeline/docker_archive_source.hpp"
#include "scanner/pipeline/inventory.hpp"
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

struct ImageResult {
  pipeline::ImageInventory inventory;
  std::vector<std::string> problems;
  std::vector<scanner::matching::Finding> findings;
};

// Every feed read and indexed; the first unreadable one fails the scan (rejected records are reported).
Result<std::unique_ptr<scanner::matching::AdvisoryIndex>> load_feeds(const std::vector<std::string>& paths) {
  std::vector<scanner::feeds::Advisory> all;
  for (const auto& path : paths) {
    auto feed = scanner::feeds::load_feed(path);
    if (!feed) return fail(feed.error().code, "--feeds " + path + ": " + feed.error().message);
    for (const auto& rejected : feed->result.rejected) {
      std::cerr << "regscand scan: --feeds " << path << ": rejected " << rejected.where << ": "
                << rejected.reason << "\n";
    }
    std::move(feed->result.advisories.begin(), feed->result.advisories.end(), std::back_inserter(all));
  }
  return std::make_unique<scanner::matching::AdvisoryIndex>(std::move(all));
}

nlohmann::json finding_json(const scanner::matching::Finding& f, const pipeline::ImageInventory& inventory,
                            const std::vector<scanner::Descriptor>& layers) {
  const auto& [p, layer] = inventory.packages[f.package];
  return {{"vulnerability", f.vulnerability},
          {"aliases", f.aliases},
          {"severity", scanner::feeds::severity_name(f.severity)},
          {"severity_source", f.severity_source},
          {"cvss", f.cvss ? nlohmann::json{{"score", f.cvss->score}, {"vector", f.cvss->vector}}
                          : nlohmann::json(nullptr)},
          {"package",
           {{"ecosystem", p.ecosystem},
            {"name", p.name},
            {"version", p.version},
            {"type", scanner::ecosystems::package_type(p.ecosystem)},
            {"layer", layers[layer].digest.str()}}},
          {"fix_state", scanner::feeds::fix_state_name(f.fix_state)},
          {"fixed_version", f.fixed_version},
          {"remediation", f.remediation},
          {"references", f.references},
          {"sources", f.sources}};
}

// Analyzes every layer of every resolved image and folds each image's inventory.
Result<std::vector<ImageResult>> inventories(pipeline::ImageSource& source,
                                             const pipeline::Resolved& resolved) {
  const auto scanners = scanner::ecosystems::builtin_package_scanners();
  std::vector<ImageResult> out;
  for (const auto& image : resolved.images) {
    std::vector<pipeline::LayerReport> reports;
    ImageResult result;
    for (const auto& layer : image.manifest.layers) {
      auto report = pipeline::analyze_layer(source, layer, scanners);
      if (!report) return std::unexpected(std::move(report).error());
      result.problems.insert(result.problems.end(), report->problems.begin(), report->problems.end());
      reports.push_back(std::move(*report));
    }
    result.inventory = pipeline::fold_inventory(reports);
    out.push_back(std::move(result));
  }
  return out;
}

nlohmann::json distribution_json(const std::optional<scanner::Distribution>& d) {
  if (!d) return nullptr;
  return {{"id", d->id},
          {"version_id", d->version_id},
          {"version_codename", d->version_codename},
          {"pretty_name", d->pretty_name},
          {"distroless", d->distroless}};
}

nlohmann::json to_json(const pipeline::Resolved& resolved, const std::vector<ImageResult>& results,
                       const std::string& reference) {
  nlohmann::json images = nlohmann::json::array();
  for (std::size_t i = 0; i < resolved.images.size(); ++i) {
    const auto& image = resolved.images[i];
    const auto& result = results[i];
    nlohmann::json packages = nlohmann::json::array();
    for (const auto& [p, layer] : result.inventory.packages) {
      packages.push_back({{"type", scanner::ecosystems::package_type(p.ecosystem)},
                          {"ecosystem", p.ecosystem},
                          {"name", p.name},
                          {"version", p.version},
                          {"arch", p.arch},
                          {"source_name", p.source_name},
                          {"source_version", p.source_version},
                          {"path", p.path},
                          {"module", p.module},
                          {"layer", image.manifest.layers[layer].digest.str()}});
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : result.findings) {
      findings.push_back(finding_json(f, result.inventory, image.manifest.layers));
    }
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
         {"layers", std::move(layers)},
         {"distribution", distribution_json(result.inventory.distribution)},
         {"packages", std::move(packages)},
         {"findings", std::move(findings)},
         {"problems", result.problems}});
  }
  return {{"reference", reference},
          {"digest", resolved.digest.str()},
          {"media_type", resolved.media_type},
          {"images", std::move(images)},
          {"skipped", resolved.skipped},
          {"bytes_fetched", resolved.bytes_fetched}};
}

void print_table(const pipeline::Resolved& resolved, const std::vector<ImageResult>& results,
                 std::ostream& out) {
  out << resolved.digest.str() << "  " << resolved.media_type << "\n";
  for (std::size_t i = 0; i < resolved.images.size(); ++i) {
    const auto& image = resolved.images[i];
    const auto& distribution = results[i].inventory.distribution;
    out << "  " << image.config.platform.str() << "  " << image.digest.str() << "  "
        << image.manifest.layers.size() << " layers  "
        << (distribution ? distribution->id + " " + distribution->version_id +
                               (distribution->distroless ? " (distroless)" : "")
                         : "unknown OS")
        << "\n";
    for (const auto& [p, layer] : results[i].inventory.packages) {
      out << "    " << p.ecosystem << "  " << p.name << "  " << p.version << "  (layer " << layer << ")\n";
    }
    for (const auto& f : results[i].findings) {
      const auto& p = results[i].inventory.packages[f.package].package;
      out << "    " << scanner::feeds::severity_name(f.severity) << "  " << f.vulnerability << "  " << p.name
          << " " << p.version << "  " << f.remediation << "\n";
    }
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
  std::unique_ptr<scanner::matching::AdvisoryIndex> index;
  if (!options.feeds.empty()) {
    auto loaded = load_feeds(options.feeds);
    if (!loaded) {
      std::cerr << "regscand scan: " << loaded.error().message << "\n";
      return kExitFailed;
    }
    index = std::move(*loaded);
  }
  auto results = inventories(**source, *resolved);
  if (!results) {
    std::cerr << "regscand scan: " << (*source)->describe() << ": " << results.error().message << "\n";
    return kExitFailed;
  }
  if (index) {
    const auto matchers = scanner::ecosystems::builtin_matchers();
    for (auto& result : *results)
      result.findings = scanner::matching::match_inventory(*index, result.inventory, matchers);
  }
  if (options.format == "table") {
    print_table(*resolved, *results, std::cout);
  } else {
    std::cout << to_json(*resolved, *results, options.reference).dump(2) << "\n";
  }
  return 0;
}

}  // namespace regscand::server
