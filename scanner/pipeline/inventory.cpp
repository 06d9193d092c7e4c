#include "scanner/pipeline/inventory.hpp"

#include "scanner/pipeline/layer_cache.hpp"

#include <algorithm>
#include <tuple>

#include "scanner/ecosystems/osrelease/detector.hpp"
#include "scanner/layers/layer_pipe.hpp"
#include "scanner/layers/path.hpp"

namespace regscand::scanner::pipeline {
namespace {

constexpr std::size_t kMaxProblems = 32;

// Whether `layer` hides or deletes whatever lower layers hold at `path`.
bool hides(const LayerReport& layer, std::string_view path) {
  for (const auto& removed : layer.removed) {
    if (layers::is_within(path, removed)) return true;
  }
  for (const auto& dir : layer.opaque_dirs) {
    if (layers::is_within(path, dir) && path != dir) return true;
  }
  return false;
}

// The index of the layer whose copy of `path` is final, or nullopt when it is deleted or never present.
std::optional<std::size_t> provider(const std::vector<LayerReport>& layers, std::string_view path) {
  for (std::size_t k = layers.size(); k-- > 0;) {
    if (layers[k].present.contains(path)) return k;
    if (hides(layers[k], path)) return std::nullopt;
  }
  return std::nullopt;
}

bool same_package(const Package& a, const Package& b) {
  return a.ecosystem == b.ecosystem && a.name == b.name && a.version == b.version && a.arch == b.arch;
}

bool holds(const LayerReport& layer, const std::string& path, const Package& package) {
  return std::any_of(layer.packages.begin(), layer.packages.end(),
                     [&](const Package& p) { return p.path == path && same_package(p, package); });
}

// The lowest layer from which `package` stayed in every copy of its file up to the final one in `top`.
std::size_t introduced(const std::vector<LayerReport>& layers, std::size_t top, const Package& package) {
  std::size_t lowest = top;
  for (std::size_t k = top; k > 0; --k) {
    if (hides(layers[k], package.path)) break;  // copies below layer k are not what the image shows
    const LayerReport& below = layers[k - 1];
    if (!below.present.contains(package.path)) continue;
    if (!holds(below, package.path, package)) break;
    lowest = k - 1;
  }
  return lowest;
}

void note(LayerReport& report, std::string problem) {
  if (report.problems.size() < kMaxProblems) report.problems.push_back(std::move(problem));
}

void add_limit(LayerReport& report, Problem problem) {
  if (report.limits.size() < kMaxProblems) report.limits.push_back(std::move(problem));
}

// A wanted file the walk left unread for its size is a problem of each scanner that wanted it (problems
// has it already, as a skipped entry).
void add_oversized(LayerReport& report, const layers::LayerFacts& facts,
                   const ecosystems::PackageScanners& scanners, std::uint64_t cap) {
  for (const auto& [path, size] : facts.oversized) {
    for (const auto& scanner : scanners) {
      if (!scanner->wants(path)) continue;
      const std::string name(scanner->name());
      add_limit(report, Problem::too_large(name, path, "max_file_bytes", cap, size));
    }
  }
}

}  // namespace

Result<LayerReport> analyze_layer(ImageSource& source, const Descriptor& layer,
                                  const ecosystems::PackageScanners& scanners,
                                  const layers::LayerLimits& limits) {
  LayerReport report;
  if (!is_filesystem_layer(layer.media_type)) return report;
  const layers::WantsFn wants = [&scanners](std::string_view path) {
    if (ecosystems::osrelease::wants(path)) return true;
    return std::any_of(scanners.begin(), scanners.end(), [&](const auto& s) { return s->wants(path); });
  };
  auto facts = layers::read_streamed_layer(
      [&](registry::ByteSink& sink) {
        return source.blob(layer.digest, sink, limits.max_uncompressed_bytes);
      },
      wants, limits);
  if (!facts) {
    auto error = std::move(facts).error();
    error.message.insert(0, "layer " + layer.digest.str() + ": ");
    return std::unexpected(std::move(error));
  }
  for (const auto& [path, kind] : facts->wanted) report.present.insert(path);
  report.removed = std::move(facts->removed);
  report.opaque_dirs = std::move(facts->opaque_dirs);
  report.compressed_bytes = facts->compressed_bytes;
  report.uncompressed_bytes = facts->uncompressed_bytes;
  for (const auto& [path, content] : facts->files.all()) {
    if (ecosystems::osrelease::wants(path)) {
      report.release_files.emplace(path, ecosystems::osrelease::evidence(path, content));
    }
  }
  add_oversized(report, *facts, scanners, limits.max_file_bytes);
  for (const auto& scanner : scanners) {
    auto found = scanner->scan(facts->files);
    if (!found) {
      note(report, found.error().message);
      continue;
    }
    report.packages.insert(report.packages.end(), found->packages.begin(), found->packages.end());
    for (auto& problem : found->problems) {
      note(report, problem.message);
      add_limit(report, std::move(problem));
    }
  }
  for (const auto& skipped : facts->skipped)
    note(report, "layer: skipped " + skipped.name + ": " + skipped.reason);
  return report;
}

ImageInventory fold_inventory(const std::vector<LayerReport>& layers) {
  ImageInventory out;
  layers::LayerFiles release;
  std::set<std::string, std::less<>> paths;
  for (const auto& layer : layers) {
    for (const auto& p : layer.packages) paths.insert(p.path);
    for (const auto& [path, content] : layer.release_files) paths.insert(path);
  }
  for (const auto& path : paths) {
    const auto top = provider(layers, path);
    if (!top) continue;
    if (const auto it = layers[*top].release_files.find(path); it != layers[*top].release_files.end()) {
      release.add(path, it->second);
    }
    for (const auto& p : layers[*top].packages) {
      if (p.path == path) out.packages.push_back({p, introduced(layers, *top, p)});
    }
  }
  for (std::size_t k = 0; k < layers.size(); ++k) {
    for (const auto& problem : layers[k].limits) {
      if (provider(layers, problem.path) == k) out.problems.push_back({problem, k});
    }
  }
  std::sort(
      out.problems.begin(), out.problems.end(), [](const InventoryProblem& a, const InventoryProblem& b) {
        return std::tie(a.problem.path, a.problem.ecosystem) < std::tie(b.problem.path, b.problem.ecosystem);
      });
  out.distribution = ecosystems::osrelease::detect(release);
  std::sort(out.packages.begin(), out.packages.end(),
            [](const InventoryPackage& a, const InventoryPackage& b) { return a.package < b.package; });
  return out;
}

Result<ImageInventory> inventory_image(ImageSource& source, const ImageManifest& manifest,
                                       const ecosystems::PackageScanners& scanners, LayerCache& cache,
                                       ImageScanFigures& figures, const layers::LayerLimits& limits) {
  const std::string analyzers = ecosystems::analyzers_fingerprint(scanners);
  std::vector<LayerReport> reports;
  for (const auto& layer : manifest.layers) {
    auto cached = cache.find(layer.digest, analyzers);
    if (!cached) return std::unexpected(std::move(cached).error());
    if (*cached) {
      ++figures.layers_reused;
      reports.push_back(std::move(**cached));
      continue;
    }
    auto report = analyze_layer(source, layer, scanners, limits);
    if (!report) return std::unexpected(std::move(report).error());
    ++figures.layers_fetched;
    figures.bytes_fetched += report->compressed_bytes;
    if (auto stored = cache.store(layer.digest, analyzers, *report); !stored)
      return std::unexpected(stored.error());
    reports.push_back(std::move(*report));
  }
  return fold_inventory(reports);
}

}  // namespace regscand::scanner::pipeline
