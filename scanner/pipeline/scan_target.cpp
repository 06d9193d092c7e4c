#include "scanner/pipeline/scan_target.hpp"

#include "scanner/model/digest.hpp"
#include "scanner/model/reference.hpp"

namespace regscand::scanner::pipeline {
namespace {

// Docker's rule: the first component is a registry host when it has a '.' or a ':' or is "localhost".
bool looks_like_host(std::string_view component) {
  return component.find_first_of(".:") != std::string_view::npos || component == "localhost";
}

Result<ScanTarget> parse_registry(std::string_view text) {
  const auto where = "image reference \"" + std::string(text.substr(0, 300)) + "\"";
  RegistryTarget target;
  std::string_view rest = text;
  if (const auto slash = rest.find('/');
      slash != std::string_view::npos && looks_like_host(rest.substr(0, slash))) {
    target.host = std::string(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
  } else {
    target.host = "docker.io";
  }
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(rest.substr(at + 1));
    if (!digest) return fail(ErrorCode::InvalidArgument, where + ": " + digest.error().message);
    target.reference = digest->str();
    rest = rest.substr(0, at);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    const auto tag = rest.substr(colon + 1);
    if (!is_valid_tag(tag))
      return fail(ErrorCode::InvalidArgument, where + ": invalid tag \"" + std::string(tag) + "\"");
    if (target.reference.empty()) target.reference = std::string(tag);
    rest = rest.substr(0, colon);
  }
  target.repository = std::string(rest);
  if (target.host == "docker.io" && target.repository.find('/') == std::string::npos) {
    target.repository.insert(0, "library/");
  }
  if (!is_valid_repository(target.repository)) {
    return fail(ErrorCode::InvalidArgument, where + ": invalid repository \"" + target.repository + "\"");
  }
  if (target.reference.empty()) target.reference = "latest";
  return target;
}

}  // namespace

Result<ScanTarget> parse_scan_target(std::string_view text) {
  if (text.empty()) return fail(ErrorCode::InvalidArgument, "image reference: empty");
  if (text.starts_with("oci:")) {
    std::string_view rest = text.substr(4);
    OciLayoutTarget target;
    // A tag is what follows the last ':' when that part is a valid tag and not part of a path.
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      const auto tag = rest.substr(colon + 1);
      if (!is_valid_tag(tag)) {
        return fail(ErrorCode::InvalidArgument,
                    "oci layout reference: invalid tag \"" + std::string(tag) + "\"");
      }
      target.tag = std::string(tag);
      rest = rest.substr(0, colon);
    }
    if (rest.empty()) return fail(ErrorCode::InvalidArgument, "oci layout reference: missing directory");
    target.dir = std::string(rest);
    return target;
  }
  if (text.starts_with("docker-archive:")) {
    const auto file = text.substr(15);
    if (file.empty()) return fail(ErrorCode::InvalidArgument, "docker-archive reference: missing file");
    return DockerArchiveTarget{std::string(file)};
  }
  return parse_registry(text);
}

}  // namespace regscand::scanner::pipeline
