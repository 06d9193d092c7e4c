#include "scanner/model/image_manifest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace regscand::scanner {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');
const std::string kC = "sha256:" + std::string(64, 'c');

nlohmann::json desc(const std::string& type, const std::string& digest, std::uint64_t size) {
  return {{"mediaType", type}, {"digest", digest}, {"size", size}};
}

TEST(ImageManifest, OciManifestGivesConfigAndLayersInOrder) {
  const nlohmann::json doc{{"schemaVersion", 2},
                           {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                           {"config", desc("application/vnd.oci.image.config.v1+json", kA, 1469)},
                           {"layers",
                            {desc("application/vnd.oci.image.layer.v1.tar+gzip", kB, 3370706),
                             desc("application/vnd.oci.image.layer.v1.tar+zstd", kC, 12)}}};
  auto m = parse_image_manifest(doc.dump());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->config.digest.str(), kA);
  EXPECT_EQ(m->config.size, 1469u);
  ASSERT_EQ(m->layers.size(), 2u);
  EXPECT_EQ(m->layers[0].digest.str(), kB);
}

TEST(ImageManifest, MalformedManifestsNameTheField) {
  const std::pair<nlohmann::json, std::string> cases[] = {
      {{{"layers", nlohmann::json::array()}}, "manifest.config: missing"},
      {{{"config", desc("x", "sha256:zz", 1)}, {"layers", nlohmann::json::array()}},
       "manifest.config.digest"},
      {{{"config", desc("x", kA, 1)}, {"layers", {{{"digest", kB}, {"size", -1}}}}},
       "manifest.layers[0].size"},
      {{{"config", desc("x", kA, 1)}, {"layers", "nope"}}, "manifest.layers: must be an array"},
      {{{"config", desc("x", kA, 1)}, {"layers", {{{"size", 1}}}}}, "manifest.layers[0].digest: missing"},
  };
  for (const auto& [doc, needle] : cases) {
    auto m = parse_image_manifest(doc.dump());
    ASSERT_FALSE(m) << doc.dump();
    EXPECT_EQ(m.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(m.error().message.find(needle), std::string::npos) << m.error().message;
  }
  EXPECT_FALSE(parse_image_manifest("[]"));
  EXPECT_FALSE(parse_image_manifest("{\"config\":"));
  EXPECT_FALSE(parse_image_manifest(std::string(100, '[')));
}

TEST(ImageManifest, TooManyLayersIsRefused) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i <= kMaxLayers; ++i)
    layers.push_back(desc("application/vnd.oci.image.layer.v1.tar", kB, 1));
  auto m = parse_image_manifest(nlohmann::json{{"config", desc("x", kA, 1)}, {"layers", layers}}.dump());
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("more than"), std::string::npos);
}

TEST(ImageIndex, PlatformsAndAttestations) {
  auto with_platform = [](const std::string& digest, const std::string& os, const std::string& arch,
                          const std::string& variant) {
    auto d = desc("application/vnd.oci.image.manifest.v1+json", digest, 100);
    d["platform"] = {{"os", os}, {"architecture", arch}};
    if (!variant.empty()) d["platform"]["variant"] = variant;
    return d;
  };
  auto attestation = with_platform(kC, "unknown", "unknown", "");
  attestation["annotations"] = {{"vnd.docker.reference.type", "attestation-manifest"},
                                {"vnd.docker.reference.digest", kA}};
  const nlohmann::json doc{
      {"schemaVersion", 2},
      {"manifests",
       {with_platform(kA, "linux", "amd64", ""), with_platform(kB, "linux", "arm64", "v8"), attestation}}};
  auto index = parse_image_index(doc.dump());
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_EQ(index->manifests.size(), 3u);
  EXPECT_EQ(index->manifests[0].platform->str(), "linux/amd64");
  EXPECT_EQ(index->manifests[1].platform->str(), "linux/arm64/v8");
  EXPECT_FALSE(index->manifests[0].attestation);
  EXPECT_TRUE(index->manifests[2].attestation);
  EXPECT_FALSE(parse_image_index(R"({"manifests": {}})"));
  EXPECT_FALSE(parse_image_index(R"({"manifests": [{"digest": "sha256:1", "size": 1}]})"));
}

TEST(ImageConfig, PlatformUserEnvHistoryDiffIds) {
  const nlohmann::json doc{{"architecture", "arm64"},
                           {"os", "linux"},
                           {"variant", "v8"},
                           {"config", {{"User", "1000:1000"}, {"Env", {"PATH=/usr/bin", 7, "A=b"}}}},
                           {"history",
                            {{{"created_by", "/bin/sh -c #(nop) ADD file:abc in / "}},
                             {{"created_by", "/bin/sh -c #(nop)  CMD [\"sh\"]"}, {"empty_layer", true}}}},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", {kA, kB}}}}};
  auto config = parse_image_config(doc.dump());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->platform.str(), "linux/arm64/v8");
  EXPECT_EQ(config->user, "1000:1000");
  EXPECT_EQ(config->env, (std::vector<std::string>{"PATH=/usr/bin", "A=b"}));
  ASSERT_EQ(config->history.size(), 2u);
  EXPECT_TRUE(config->history[1].empty_layer);
  ASSERT_EQ(config->diff_ids.size(), 2u);
  EXPECT_EQ(config->diff_ids[1].str(), kB);
  EXPECT_FALSE(parse_image_config(R"({"rootfs": {"diff_ids": ["sha256:nothex"]}})"));
  EXPECT_TRUE(parse_image_config("{}"));
}

TEST(LayerMediaTypes, Filesystem) {
  EXPECT_TRUE(is_filesystem_layer("application/vnd.oci.image.layer.v1.tar+zstd"));
  EXPECT_TRUE(is_filesystem_layer("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
  EXPECT_FALSE(is_filesystem_layer("application/vnd.cncf.helm.chart.content.v1.tar+gzip"));
  EXPECT_FALSE(is_filesystem_layer("application/vnd.in-toto+json"));
}

}  // namespace
}  // namespace regscand::scanner
