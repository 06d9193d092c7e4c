// What an analyzer finds: an installed package (by ecosystem, with the database file it came from), a
// package database it left out or cut at a limit, and the distribution an image is built on. Plain values;
// JSON belongs to storage and server.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace regscand::scanner {

struct Package {
  std::string ecosystem;  // stable id of the analyzer that found it: "dpkg", "apk", "rpm"
  std::string name;
  std::string version;  // as the database holds it (dpkg [epoch:]upstream[-revision], apk x.y-rN)
  std::string arch;
  std::string
      source_name;  // dpkg Source, rpm source rpm name, apk origin; = name when the database says none
  std::string source_version;  // dpkg Source (version); = version otherwise
  std::string path;            // database file, normalised ("var/lib/dpkg/status")
  std::string module = {};     // rpm modularity label ("nodejs:18:8080020230911:8a8e8d22"); "" elsewhere
  friend auto operator<=>(const Package&, const Package&) = default;
  friend bool operator==(const Package&, const Package&) = default;
};

// A package database skipped, or read only up to a limit: the image may hold packages its inventory does
// not list. A scan with one succeeds, and shows it.
struct Problem {
  std::string ecosystem;    // the analyzer's stable id: "dpkg"
  std::string path;         // database file, normalised ("var/lib/dpkg/status")
  std::string limit;        // the bound it hit: "max_file_bytes", "max_stanzas"
  std::uint64_t value = 0;  // that bound's value
  std::string
      message;  // "dpkg: var/lib/dpkg/status: more than max_stanzas 200000 stanzas: the rest is not read"
  friend bool operator==(const Problem&, const Problem&) = default;

  // A database read up to `limit` (= value): "<ecosystem>: <path>: <what>: the rest is not read".
  static Problem cut_short(std::string_view ecosystem, std::string_view path, std::string_view limit,
                           std::uint64_t value, std::string_view what) {
    return {std::string(ecosystem), std::string(path), std::string(limit), value,
            std::string(ecosystem) + ": " + std::string(path) + ": " + std::string(what) +
                ": the rest is not read"};
  }
  // A file of `size` bytes over `limit` (= value), not read at all.
  static Problem too_large(std::string_view ecosystem, std::string_view path, std::string_view limit,
                           std::uint64_t value, std::uint64_t size) {
    return {std::string(ecosystem), std::string(path), std::string(limit), value,
            std::string(ecosystem) + ": " + std::string(path) + ": " + std::to_string(size) + " bytes over " +
                std::string(limit) + " " + std::to_string(value) + ": not read"};
  }
};

struct Distribution {
  std::string id;  // "debian", "alpine", "ubuntu", "rhel"
  std::string version_id;
  std::string version_codename;
  std::string pretty_name;
  bool distroless = false;  // Google distroless style: dpkg status.d/ without a package manager
  friend bool operator==(const Distribution&, const Distribution&) = default;
};

}  // namespace regscand::scanner
