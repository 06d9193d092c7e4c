// The port through which a scan reuses layer analyses: a layer analyzed once (by blob digest and analyzers
// fingerprint) is never downloaded again. storage implements it in PostgreSQL; MemoryLayerCache serves the
// one-shot CLI and tests.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "scanner/pipeline/inventory.hpp"

namespace regscand::scanner::pipeline {

class LayerCache {
 public:
  virtual ~LayerCache() = default;
  [[nodiscard]] virtual Result<std::optional<LayerReport>> find(const Digest& layer,
                                                                std::string_view analyzers) = 0;
  [[nodiscard]] virtual Result<void> store(const Digest& layer, std::string_view analyzers,
                                           const LayerReport& report) = 0;
};

class MemoryLayerCache final : public LayerCache {
 public:
  [[nodiscard]] Result<std::optional<LayerReport>> find(const Digest& layer,
                                                        std::string_view analyzers) override {
    std::lock_guard lock(mutex_);
    const auto it = reports_.find(layer.str() + " " + std::string(analyzers));
    if (it == reports_.end()) return std::optional<LayerReport>{};
    return std::optional<LayerReport>{it->second};
  }
  [[nodiscard]] Result<void> store(const Digest& layer, std::string_view analyzers,
                                   const LayerReport& report) override {
    std::lock_guard lock(mutex_);
    reports_.insert_or_assign(layer.str() + " " + std::string(analyzers), report);
    return {};
  }

 private:
  std::mutex mutex_;
  std::map<std::string, LayerReport> reports_;
};

struct ImageScanFigures {
  int layers_reused = 0;
  int layers_fetched = 0;
  std::uint64_t bytes_fetched = 0;
};

// Analyzes the layers of `image` not in `cache` (storing them), then folds the inventory.
[[nodiscard]] Result<ImageInventory> inventory_image(ImageSource& source, const ImageManifest& manifest,
                                                     const ecosystems::PackageScanners& scanners,
                                                     LayerCache& cache, ImageScanFigures& figures,
                                                     const layers::LayerLimits& limits = {});

}  // namespace regscand::scanner::pipeline
