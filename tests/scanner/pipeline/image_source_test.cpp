// OciLayoutSource on layouts written by OciLayoutBuilder: manifests by tag, by digest and as the only one;
// blobs streamed and verified; a tampered blob or a missing tag is an error, never wrong bytes.
#include "scanner/pipeline/image_source.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::scanner::pipeline {
namespace {

using testing::files_layer;
using testing::OciLayoutBuilder;

Digest digest(const std::string& text) {
  return *Digest::parse(text);
}

TEST(OciLayoutSource, ManifestsByTagDigestOrTheOnlyOne) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "one");
  const auto image = layout.add_image({files_layer({{"etc/os-release", "ID=alpine\n"}})}, "v1");
  OciLayoutSource source(layout.dir());

  auto by_tag = source.manifest("v1");
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag->digest.str(), image.manifest.digest);
  EXPECT_EQ(by_tag->body, image.manifest_json);
  EXPECT_EQ(by_tag->media_type, registry::kOciManifest);
  auto only = source.manifest("");
  ASSERT_TRUE(only) << only.error().message;
  EXPECT_EQ(only->digest.str(), image.manifest.digest);
  auto by_digest = source.manifest(image.manifest.digest);
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(by_digest->size, image.manifest.size);

  auto missing = source.manifest("v2");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST(OciLayoutSource, SeveralManifestsNeedATag) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "two");
  layout.add_image({files_layer({{"a", "1"}})}, "a");
  layout.add_image({files_layer({{"b", "2"}})}, "b");
  auto none = OciLayoutSource(layout.dir()).manifest("");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("name a tag"), std::string::npos);
}

TEST(OciLayoutSource, BlobsAreStreamedAndVerified) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "blobs");
  const auto image = layout.add_image({files_layer({{"etc/hostname", "box\n"}})}, "v1");
  OciLayoutSource source(layout.dir());

  registry::StringSink config(1 << 20);
  ASSERT_TRUE(source.blob(digest(image.config.digest), config, 1 << 20));
  EXPECT_EQ(config.data(), image.config_json);

  registry::StringSink small(10);
  auto capped = source.blob(digest(image.config.digest), small, 10);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code, ErrorCode::ResourceExhausted);

  const auto layer = digest(image.layers[0].digest);
  {
    std::ofstream tamper(layout.dir() / "blobs" / "sha256" / std::string(layer.hex()), std::ios::app);
    tamper << "x";
  }
  registry::StringSink sink(1 << 20);
  auto tampered = source.blob(layer, sink, 1 << 20);
  ASSERT_FALSE(tampered);
  EXPECT_NE(tampered.error().message.find("digest mismatch"), std::string::npos);

  auto absent = source.blob(digest("sha256:" + std::string(64, '0')), sink, 1 << 20);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace regscand::scanner::pipeline
