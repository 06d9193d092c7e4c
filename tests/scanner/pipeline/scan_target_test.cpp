#include "scanner/pipeline/scan_target.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::pipeline {
namespace {

RegistryTarget registry(std::string_view text) {
  auto parsed = parse_scan_target(text);
  EXPECT_TRUE(parsed) << text << ": " << parsed.error().message;
  if (!parsed || !std::holds_alternative<RegistryTarget>(*parsed)) return {};
  return std::get<RegistryTarget>(*parsed);
}

TEST(ScanTarget, RegistryReferences) {
  const std::string d = "sha256:" + std::string(64, 'a');
  const struct {
    std::string text, host, repository, reference;
  } cases[] = {
      {"alpine", "docker.io", "library/alpine", "latest"},
      {"alpine:3.19", "docker.io", "library/alpine", "3.19"},
      {"team/app:1.0", "docker.io", "team/app", "1.0"},
      {"localhost/app", "localhost", "app", "latest"},
      {"127.0.0.1:5000/team/app:v2", "127.0.0.1:5000", "team/app", "v2"},
      {"registry.example.com/a/b/c@" + d, "registry.example.com", "a/b/c", d},
      {"myregistry.azurecr.io/app:v1@" + d, "myregistry.azurecr.io", "app", d},
  };
  for (const auto& c : cases) {
    const auto t = registry(c.text);
    EXPECT_EQ(t.host, c.host) << c.text;
    EXPECT_EQ(t.repository, c.repository) << c.text;
    EXPECT_EQ(t.reference, c.reference) << c.text;
  }
}

TEST(ScanTarget, LayoutsAndArchives) {
  auto oci = parse_scan_target("oci:/tmp/layout:v1");
  ASSERT_TRUE(oci && std::holds_alternative<OciLayoutTarget>(*oci));
  EXPECT_EQ(std::get<OciLayoutTarget>(*oci).dir, "/tmp/layout");
  EXPECT_EQ(std::get<OciLayoutTarget>(*oci).tag, "v1");
  auto untagged = parse_scan_target("oci:./layout");
  ASSERT_TRUE(untagged);
  EXPECT_EQ(std::get<OciLayoutTarget>(*untagged).tag, "");
  auto archive = parse_scan_target("docker-archive:/tmp/alpine.tar");
  ASSERT_TRUE(archive && std::holds_alternative<DockerArchiveTarget>(*archive));
  EXPECT_EQ(std::get<DockerArchiveTarget>(*archive).file, "/tmp/alpine.tar");
}

TEST(ScanTarget, BadReferencesNameThePart) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {"Alpine", "invalid repository"},
      {"host.io/app:bad tag", "invalid tag"},
      {"host.io/app@sha256:123", "sha256"},
      {"oci:", "missing directory"},
      {"oci:/x:bad/tag", "invalid tag"},
      {"docker-archive:", "missing file"},
      {"host.io/../etc", "invalid repository"},
  };
  for (const auto& [text, needle] : cases) {
    auto parsed = parse_scan_target(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(parsed.error().message.find(needle), std::string::npos)
        << text << ": " << parsed.error().message;
  }
}

}  // namespace
}  // namespace regscand::scanner::pipeline
