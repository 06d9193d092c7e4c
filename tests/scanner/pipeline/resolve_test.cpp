// resolve_images over OCI layouts written by OciLayoutBuilder: one image; an index fanned out to its
// platforms with attestations skipped and a platform filter; schema 1 unsupported; a missing config fails;
// a manifest already fetched is not fetched again.
#include "scanner/pipeline/resolve.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::scanner::pipeline {
namespace {

testing::ImageOptions platform(std::string os, std::string architecture) {
  testing::ImageOptions options;
  options.os = std::move(os);
  options.architecture = std::move(architecture);
  return options;
}

using testing::files_layer;
using testing::OciLayoutBuilder;
using testing::Platform;

TEST(ResolveImages, OneImageWithItsManifestAndConfig) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  const auto image = layout.add_image({files_layer({{"a", "1"}}), files_layer({{"b", "2"}})}, "v1",
                                      platform("linux", "arm64"));
  OciLayoutSource source(layout.dir());
  auto resolved = resolve_images(source, "v1");
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(resolved->digest.str(), image.manifest.digest);
  ASSERT_EQ(resolved->images.size(), 1u);
  const auto& got = resolved->images[0];
  EXPECT_FALSE(got.index);
  ASSERT_EQ(got.manifest.layers.size(), 2u);
  EXPECT_EQ(got.manifest.layers[1].digest.str(), image.layers[1].digest);
  EXPECT_EQ(got.config.platform.str(), "linux/arm64");
  ASSERT_EQ(got.config.diff_ids.size(), 2u);
  EXPECT_EQ(got.config.diff_ids[0].str(), image.diff_ids[0]);
  EXPECT_EQ(resolved->bytes_fetched, image.manifest.size + image.config.size);
}

// An OCI layout that counts manifest reads.
class CountingSource final : public ImageSource {
 public:
  explicit CountingSource(std::filesystem::path dir) : layout_(std::move(dir)) {}
  std::string describe() const override { return layout_.describe(); }
  Result<registry::ManifestHead> manifest(std::string_view reference) override {
    ++manifests;
    return layout_.manifest(reference);
  }
  Result<void> blob(const Digest& digest, registry::ByteSink& sink, std::uint64_t max_bytes) override {
    return layout_.blob(digest, sink, max_bytes);
  }
  int manifests = 0;

 private:
  OciLayoutSource layout_;
};

TEST(ResolveImages, FromAManifestAlreadyFetchedItIsNotFetchedAgain) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  const auto amd = layout.add_image({files_layer({{"x", "amd"}})}, "v1", platform("linux", "amd64"));
  const auto arm = layout.add_image({files_layer({{"x", "arm"}})}, "", platform("linux", "arm64"));
  layout.add_index({{amd, Platform{"amd64", "linux", ""}}, {arm, Platform{"arm64", "linux", "v8"}}}, "multi");
  CountingSource source(layout.dir());

  auto head = source.manifest("v1");
  ASSERT_TRUE(head) << head.error().message;
  auto one = resolve_images(source, std::move(*head));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->images.at(0).digest.str(), amd.manifest.digest);
  EXPECT_EQ(one->bytes_fetched, amd.manifest.size + amd.config.size);
  EXPECT_EQ(source.manifests, 1);

  auto index = source.manifest("multi");
  ASSERT_TRUE(index) << index.error().message;
  auto both = resolve_images(source, std::move(*index));
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->images.size(), 2u);
  EXPECT_EQ(source.manifests, 4) << "the index once, then each platform's manifest";
}

class MapConfigCache final : public ConfigCache {
 public:
  Result<std::optional<std::string>> find_config(const Digest& digest) override {
    const auto it = configs.find(digest.str());
    if (it == configs.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  Result<void> store_config(const Digest& digest, std::string_view bytes) override {
    configs[digest.str()] = std::string(bytes);
    return {};
  }
  std::map<std::string, std::string> configs;
};

TEST(ResolveImages, AKnownConfigIsNotFetchedAgain) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  const auto image = layout.add_image({files_layer({{"a", "1"}})}, "v1", platform("linux", "arm64"));
  OciLayoutSource source(layout.dir());
  MapConfigCache cache;
  auto first = resolve_images(source, "v1", {.configs = &cache});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->bytes_fetched, image.manifest.size + image.config.size);
  ASSERT_EQ(cache.configs.count(image.config.digest), 1u);
  EXPECT_EQ(cache.configs[image.config.digest], image.config_json);

  std::filesystem::remove(layout.dir() / "blobs" / "sha256" / image.config.digest.substr(7));
  auto second = resolve_images(source, "v1", {.configs = &cache});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->bytes_fetched, image.manifest.size) << "the manifest only";
  EXPECT_EQ(second->images[0].config.platform.str(), "linux/arm64");
  EXPECT_FALSE(resolve_images(source, "v1")) << "without the cache the missing blob is an error";
}

TEST(ResolveImages, AnIndexFansOutToItsPlatformsAndSkipsAttestations) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  const auto amd = layout.add_image({files_layer({{"x", "amd"}})}, "", platform("linux", "amd64"));
  const auto arm = layout.add_image({files_layer({{"x", "arm"}})}, "", platform("linux", "arm64"));
  const auto att =
      layout.add_image({files_layer({{"x", "attestation"}})}, "", platform("unknown", "unknown"));
  const auto index = layout.add_index({{amd, Platform{"amd64", "linux", ""}},
                                       {arm, Platform{"arm64", "linux", "v8"}},
                                       {att, Platform{"unknown", "unknown", ""}}},
                                      "multi");
  OciLayoutSource source(layout.dir());

  auto all = resolve_images(source, "multi");
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->digest.str(), index.digest);
  ASSERT_EQ(all->images.size(), 2u);
  EXPECT_EQ(all->images[0].digest.str(), amd.manifest.digest);
  EXPECT_EQ(all->images[1].digest.str(), arm.manifest.digest);
  EXPECT_EQ(all->images[1].index->str(), index.digest);
  ASSERT_EQ(all->skipped.size(), 1u);
  EXPECT_NE(all->skipped[0].find("attestation"), std::string::npos);

  auto arm_only = resolve_images(source, "multi", {.platforms = {"linux/arm64/v8"}});
  ASSERT_TRUE(arm_only) << arm_only.error().message;
  ASSERT_EQ(arm_only->images.size(), 1u);
  EXPECT_EQ(arm_only->images[0].digest.str(), arm.manifest.digest);
}

TEST(ResolveImages, Schema1IsUnsupported) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  layout.add_manifest(
      R"({"schemaVersion":1,"name":"a/b","tag":"old","architecture":"amd64","fsLayers":[],"history":[]})",
      "application/vnd.docker.distribution.manifest.v1+json", "old");
  OciLayoutSource source(layout.dir());
  auto resolved = resolve_images(source, "old");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().code, ErrorCode::Unimplemented);
  EXPECT_NE(resolved.error().message.find("schema 1"), std::string::npos);
}

TEST(ResolveImages, AMissingConfigBlobFailsNamingTheManifest) {
  testing::TempDir dir;
  OciLayoutBuilder layout(dir.path() / "l");
  const auto image = layout.add_image({files_layer({{"a", "1"}})}, "v1");
  std::filesystem::remove(layout.dir() / "blobs" / "sha256" / image.config.digest.substr(7));
  OciLayoutSource source(layout.dir());
  auto resolved = resolve_images(source, "v1");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().code, ErrorCode::NotFound);
  EXPECT_NE(resolved.error().message.find("config"), std::string::npos) << resolved.error().message;
}

}  // namespace
}  // namespace regscand::scanner::pipeline
