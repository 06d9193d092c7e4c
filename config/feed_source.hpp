// Checking feeds.sources entries and feeds.mirror (internal to config/). A source is the keyword "default"
// (the built-in upstream list), a filesystem path, kept as written, or an http:// / https:// URL. Errors
// never quote a source: a URL might carry credentials.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::config {

// Problem-only check of sources[index]: not empty; "default" is accepted as is; a "scheme://" form must be
// http or https, with no user info (user:password@), query or fragment, and a valid host[:port]; a path must
// hold no control characters; and no earlier entry may be equal to it.
[[nodiscard]] Result<void> check_feed_source_entry(const std::vector<std::string>& sources,
                                                   std::size_t index);

// Problem-only: at most kMaxFeedSources entries.
[[nodiscard]] Result<void> check_feed_source_count(std::size_t count);

// The whole list: at most kMaxFeedSources entries, each as above. Errors name the key
// ("feeds.sources[2]: ...") and end with " (origin)" when `origin` is given.
[[nodiscard]] Result<void> check_feed_sources(const std::vector<std::string>& sources,
                                              std::string_view origin = {});

// Sets feeds.mirror from `text`: "" (none), an http(s) base URL as parse_registry_url() accepts it (stored
// normalized, no trailing '/'), or a local directory path (no control characters; trailing '/' removed).
[[nodiscard]] Result<void> set_feed_mirror(std::string& mirror, std::string_view text);

// For dumps of a Config built in code (load() rejects user info): the source with any user info
// of a URL replaced by "<redacted>".
std::string redact_feed_source(std::string_view source);

}  // namespace regscand::config
