// What `regscand scan REF` names, parsed (pure): an image in a registry ("host[:port]/repo:tag",
// "host/repo@sha256:...", Docker Hub short forms "alpine" / "team/app:1" as docker.io), an OCI layout
// directory ("oci:DIR[:TAG]") or a `docker save` archive ("docker-archive:FILE"). InvalidArgument naming
// the part that is wrong.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "config/base/error.hpp"

namespace regscand::scanner::pipeline {

struct RegistryTarget {
  std::string host;        // "registry.example.com:5000", "docker.io"
  std::string repository;  // "library/alpine"
  std::string reference;   // a tag or a digest; "latest" when neither was given
};

struct OciLayoutTarget {
  std::filesystem::path dir;
  std::string tag;  // empty: the only manifest in the layout
};

struct DockerArchiveTarget {
  std::filesystem::path file;
};

using ScanTarget = std::variant<RegistryTarget, OciLayoutTarget, DockerArchiveTarget>;

[[nodiscard]] Result<ScanTarget> parse_scan_target(std::string_view text);

}  // namespace regscand::scanner::pipeline
