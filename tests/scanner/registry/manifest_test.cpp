#include "scanner/registry/manifest.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner::registry {
namespace {

constexpr std::string_view kOciManifestBody =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:aa","size":1},"layers":[]})";
constexpr std::string_view kOciIndexBody =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
constexpr std::string_view kDockerManifestBody =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
    R"("config":{"digest":"sha256:aa","size":1},"layers":[{"digest":"sha256:bb","size":2}]})";
constexpr std::string_view kDockerListBody =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]})";
constexpr std::string_view kSchema1Body =
    R"({"schemaVersion":1,"name":"a","tag":"t","fsLayers":[],"history":[],"signatures":[]})";

TEST(Manifest, DetectsEachKindFromContentType) {
  struct Case {
    std::string_view content_type, body;
    ManifestKind kind;
  };
  for (const auto& c : {Case{kOciManifest, kOciManifestBody, ManifestKind::OciManifest},
                        Case{kOciIndex, kOciIndexBody, ManifestKind::OciIndex},
                        Case{kDockerManifest, kDockerManifestBody, ManifestKind::DockerManifest},
                        Case{kDockerManifestList, kDockerListBody, ManifestKind::DockerManifestList},
                        Case{kDockerSchema1Signed, kSchema1Body, ManifestKind::DockerSchema1},
                        Case{kDockerSchema1, kSchema1Body, ManifestKind::DockerSchema1}}) {
    auto shape = detect_manifest(c.content_type, c.body);
    ASSERT_TRUE(shape) << c.content_type << ": " << shape.error().message;
    EXPECT_EQ(shape->kind, c.kind) << c.content_type;
    EXPECT_EQ(shape->media_type, c.content_type);
  }
}

TEST(Manifest, IndexAndSchema1Flags) {
  EXPECT_TRUE(detect_manifest(kOciIndex, kOciIndexBody)->is_index());
  EXPECT_TRUE(detect_manifest(kDockerManifestList, kDockerListBody)->is_index());
  EXPECT_FALSE(detect_manifest(kOciManifest, kOciManifestBody)->is_index());
  EXPECT_TRUE(detect_manifest("", kSchema1Body)->is_schema1());
}

TEST(Manifest, ContentTypeParametersAndCaseAreIgnored) {
  auto shape =
      detect_manifest(" Application/VND.oci.image.manifest.v1+json ; charset=utf-8", kOciManifestBody);
  ASSERT_TRUE(shape) << shape.error().message;
  EXPECT_EQ(shape->media_type, kOciManifest);
  EXPECT_EQ(media_type_essence("A/B; x=y"), "a/b");
}

TEST(Manifest, GenericContentTypeFallsBackToMediaTypeThenShape) {
  auto by_field = detect_manifest("application/json", kDockerManifestBody);
  ASSERT_TRUE(by_field) << by_field.error().message;
  EXPECT_EQ(by_field->kind, ManifestKind::DockerManifest);
  // OCI manifests may omit mediaType.
  auto by_shape = detect_manifest("", R"({"schemaVersion":2,"config":{},"layers":[]})");
  ASSERT_TRUE(by_shape) << by_shape.error().message;
  EXPECT_EQ(by_shape->kind, ManifestKind::OciManifest);
  EXPECT_EQ(by_shape->media_type, kOciManifest);
  auto index_by_shape = detect_manifest("text/plain", R"({"schemaVersion":2,"manifests":[]})");
  ASSERT_TRUE(index_by_shape);
  EXPECT_EQ(index_by_shape->kind, ManifestKind::OciIndex);
}

TEST(Manifest, ContradictionsAreRejected) {
  // Header says manifest, body says index.
  EXPECT_FALSE(detect_manifest(kOciManifest, kOciIndexBody));
  // Header says index, body has an index mediaType of another family.
  EXPECT_FALSE(detect_manifest(kOciIndex, kDockerListBody));
  // Media type says manifest but the JSON is shaped like an index.
  EXPECT_FALSE(detect_manifest(
      "", R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]})"));
  // Schema 2 type with a schema 1 body.
  EXPECT_FALSE(detect_manifest(kDockerManifest, kSchema1Body));
}

TEST(Manifest, RejectsGarbage) {
  for (const std::string& body :
       {std::string(""), std::string("null"), std::string("[]"), std::string("{"), std::string("\"x\""),
        std::string(R"({"schemaVersion":"2","config":{},"layers":[]})"),
        std::string(R"({"schemaVersion":3})"), std::string(R"({"schemaVersion":2})"),
        std::string(R"({"schemaVersion":2,"mediaType":7,"manifests":[]})"),
        std::string(R"({"schemaVersion":2,"mediaType":"application/x-evil","manifests":[]})"),
        std::string(R"({"schemaVersion":2,"config":{},"layers":[],"manifests":[]})"),
        std::string(200, '[') + std::string(200, ']'), std::string("{\"schemaVersion\":2,\"a\":\"\xff\"}")}) {
    auto shape = detect_manifest("", body);
    EXPECT_FALSE(shape) << body.substr(0, 60);
    if (!shape) {
      EXPECT_EQ(shape.error().code, ErrorCode::InvalidArgument);
    }
  }
  EXPECT_FALSE(detect_manifest("application/vnd.unknown+json", kOciManifestBody));
}

TEST(Manifest, AcceptHeaderNamesEveryType) {
  const auto accept = manifest_accept_header();
  for (const auto type : {kOciManifest, kOciIndex, kDockerManifest, kDockerManifestList, kDockerSchema1,
                          kDockerSchema1Signed}) {
    EXPECT_NE(accept.find(type), std::string_view::npos) << type;
  }
}

}  // namespace
}  // namespace regscand::scanner::registry
