// Advisories as stored (one JSON document per advisory in table advisories). The reader trusts only the
// shape it checks: a document that does not fit gives an error, never a partial advisory.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::storage {

std::string advisory_to_json(const scanner::feeds::Advisory& advisory);
[[nodiscard]] Result<scanner::feeds::Advisory> advisory_from_json(std::string_view text);

}  // namespace regscand::storage
