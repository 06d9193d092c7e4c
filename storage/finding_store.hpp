// Findings per image inventory: replace() makes a match result the image's current findings (new ones
// inserted, present ones refreshed, missing ones resolved) and records a 'new' or 'resolved' event for
// each change, in one statement. Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstddef>
#include <vector>

#include "scanner/matching/match.hpp"
#include "scanner/pipeline/inventory.hpp"
#include "storage/database.hpp"
#include "storage/inventory_store.hpp"
#include "storage/manifest_store.hpp"

namespace regscand::storage {

struct FindingsChange {
  std::size_t added = 0;     // new or reopened, each with a 'new' event
  std::size_t resolved = 0;  // each with a 'resolved' event
  std::size_t current = 0;
};

// A re-match of some packages of one stored inventory: `findings` index into holding->inventory.packages.
struct ScopedMatch {
  const Holding* holding = nullptr;
  std::vector<scanner::matching::Finding> findings;
};

class FindingStore {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit FindingStore(Database& db);

  // `findings` index into `inventory.packages`, which must be the stored inventory of `key` (a finding
  // whose package is not stored is dropped). Nothing happens when `key` has no stored inventory.
  [[nodiscard]] Result<FindingsChange> replace(const ManifestKey& key,
                                               const scanner::pipeline::ImageInventory& inventory,
                                               const std::vector<scanner::matching::Finding>& findings);
  // The same for just the packages of each holding, all in one statement: their findings become
  // `findings`, other packages' findings are left as they are. What a re-match after a feed change uses.
  [[nodiscard]] Result<FindingsChange> replace_scoped(const std::vector<ScopedMatch>& matches);

 private:
  Database& db_;
};

}  // namespace regscand::storage
