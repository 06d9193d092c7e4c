// The registry's listing API without I/O: the JSON of a /v2/_catalog or /v2/<name>/tags/list page, and the
// Link header (RFC 8288) that names the next page. RegistryClient::list_repositories/list_tags use these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::registry {

// One page of names, and where the next one is.
struct NamePage {
  std::vector<std::string> names;
  // Target (path and query) of the next page on the registry's own origin; empty on the last page.
  std::string next;
};

// The URI-reference of the first `rel="next"` link in a Link header value: `<uri>; rel="next"` entries
// separated by commas, rel quoted or not and possibly a space-separated list ("next last"). nullopt when no
// entry is a next link or the value is malformed.
std::optional<std::string> parse_link_next(std::string_view value);

// The percent-decoded value of the first `name=` parameter in the query of `target`; nullopt when absent
// or badly encoded.
std::optional<std::string> query_value(std::string_view target, std::string_view name);

// {"repositories": [names]} (null or missing: none). InvalidArgument for anything else: not JSON, not an
// object, a name that is not a string.
[[nodiscard]] Result<std::vector<std::string>> parse_repository_list(std::string_view body);

// {"name": "...", "tags": [names]} (null or missing: none, as distribution answers for a repository whose
// tags were all deleted). InvalidArgument as above.
[[nodiscard]] Result<std::vector<std::string>> parse_tag_list(std::string_view body);

}  // namespace regscand::scanner::registry
