// TEST-ONLY: Trivy's advisory database fixtures (the YAML of nested BoltDB buckets that Trivy's own tests
// load, tests/data/golden/trivy/db-fixtures/) as regscand advisories, so that Trivy's goldens can be
// reproduced with regscand's matcher. Not a feed importer: Trivy's test database is no feed we read.
//
// "<os> <release>" buckets become the OSV-style ecosystem our Matcher::feed_key gives for that release;
// the "Red Hat" bucket is keyed by CPE index and becomes one Affected per known CPE ("cpe:/o:redhat:
// enterprise_linux:7::server" -> "Red Hat:enterprise_linux:7::server"). A fixed version is the range
// (introduced 0, fixed X); an empty one is an open range whose fix state comes from Trivy's Status.
// Severities follow Trivy: the advisory's own, else the data source's vendor severity (per package),
// else NVD's, else the generic one (advisory level). Language buckets ("pip::...") are rejected.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::testing::trivy {

// The ecosystem of an OS bucket: "debian 10" -> "Debian:10", "alpine 3.10" -> "Alpine:v3.10",
// "Ubuntu 18.04" -> "Ubuntu:18.04", "amazon linux 2" -> "Amazon Linux:2", "Photon OS 3.0" ->
// "Photon OS:3.0", "openSUSE Leap 15.1" -> "openSUSE:Leap 15.1", ...; nullopt when regscand has no
// matcher for that distribution ("Oracle Linux 8", "alpine edge") or the bucket is no OS bucket.
std::optional<std::string> ecosystem_of(std::string_view bucket);

// Every *.yaml in `dir`, loaded together as Trivy loads its fixture directory. Fails on unreadable or
// malformed YAML (naming the file); buckets it does not convert are listed in `rejected`.
[[nodiscard]] Result<scanner::feeds::ImportResult> load_db_fixtures(const std::filesystem::path& dir);

}  // namespace regscand::testing::trivy
