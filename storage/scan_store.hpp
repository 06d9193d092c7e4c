// Scan attempts (table scans): a worker opens one when it starts a job and closes it with the outcome and
// its figures. Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"
#include "storage/database.hpp"
#include "storage/manifest_store.hpp"

namespace regscand::storage {

struct ScanFigures {
  std::chrono::milliseconds resolve{0}, download{0}, analyze{0};
  std::uint64_t bytes_fetched = 0;
  int layers_total = 0, layers_reused = 0, layers_fetched = 0;
};

struct ScanRecord {
  std::int64_t id = 0;
  std::int64_t job_id = 0;  // 0 = none
  std::string registry, repository, digest, analyzers, state, started_at, finished_at, error;
  std::string kind;  // what asked for it: "scan" (a push), "import" or "rescan"
  ScanFigures figures;
  nlohmann::json problems = nlohmann::json::array();  // problems_json of each image, each with "image"
};

class ScanStore {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit ScanStore(Database& db);

  // A running scan of `key` for job `job_id` (0: no job); its id. `kind`: "scan", "import" or "rescan".
  [[nodiscard]] Result<std::int64_t> start(const ManifestKey& key, std::int64_t job_id,
                                           std::string_view analyzers, std::string_view kind = "scan");
  // Scans recorded for job `job_id`, newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<ScanRecord>> list_for_job(std::int64_t job_id, int limit);
  // Closes a running scan: succeeded when `error` is empty, else failed with it. `problems`: a JSON array
  // (see ScanRecord::problems).
  [[nodiscard]] Result<void> finish(std::int64_t id, const ScanFigures& figures, std::string_view error,
                                    const nlohmann::json& problems = nlohmann::json::array());
  // Scans of `key`, newest first, at most `limit`.
  [[nodiscard]] Result<std::vector<ScanRecord>> list(const ManifestKey& key, int limit);

 private:
  Database& db_;
};

}  // namespace regscand::storage
