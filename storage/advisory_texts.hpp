// The texts of stored advisories by id (summary, details, published date), for the report exports
// (server/api/reports). One parameterized query per call. Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace regscand::storage {

struct AdvisoryText {
  std::string summary;
  std::string details;
  std::string published;  // RFC 3339 as published, "" unknown
};

// At most kMaxPageLimit ids (else InvalidArgument). Of several sources of one id, the first by source name
// that has a summary. Ids without an advisory are absent from the map.
[[nodiscard]] Result<std::map<std::string, AdvisoryText>> advisory_texts(Database& db,
                                                                         const std::vector<std::string>& ids);

}  // namespace regscand::storage
