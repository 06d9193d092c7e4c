// DockerArchiveSource on the real `docker save` archives in tests/data (Trivy's Alpine 3.10.4 and
// 3.11.5, gzip-compressed): the image resolves like a registry's Docker v2 manifest, its config parses, its
// layer streams out verified; malformed archives are refused with a reason.
#include "scanner/pipeline/docker_archive_source.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "scanner/pipeline/resolve.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::scanner::pipeline {
namespace {

namespace fs = std::filesystem;
const fs::path kImages = fs::path(REGSCAND_TEST_DATA) / "pkgdb" / "images";

testing::TarEntry file(std::string path, std::string content) {
  return testing::TarEntry{testing::TarEntry::Type::File, std::move(path), std::move(content), "", 0644};
}

TEST(DockerArchiveSource, SharedAlpineArchivesResolveAndStream) {
  for (const auto& [file, tag] : {std::pair{"trivy-alpine-3.10.4-docker-save.tar.gz", "3.10"},
                                  std::pair{"trivy-alpine-3.11.5-docker-save.tar.gz", "3.11"}}) {
    auto source = DockerArchiveSource::open(kImages / file);
    ASSERT_TRUE(source) << source.error().message;
    auto resolved = resolve_images(*source, "");
    ASSERT_TRUE(resolved) << file << ": " << resolved.error().message;
    ASSERT_EQ(resolved->images.size(), 1u);
    const auto& image = resolved->images[0];
    EXPECT_EQ(image.config.platform.str(), "linux/amd64") << file;
    ASSERT_EQ(image.manifest.layers.size(), 1u) << file;
    ASSERT_EQ(image.config.diff_ids.size(), 1u) << file;
    // docker save stores layers uncompressed: the layer digest is the config's diff id.
    EXPECT_EQ(image.manifest.layers[0].digest, image.config.diff_ids[0]) << file;

    registry::StringSink layer(64 << 20);
    ASSERT_TRUE(source->blob(image.manifest.layers[0].digest, layer, 64 << 20)) << file;
    EXPECT_EQ(layer.data().size(), image.manifest.layers[0].size);
    EXPECT_EQ(layer.data().substr(257, 5), "ustar") << "a tar stream";

    auto by_tag = source->manifest(tag);
    EXPECT_TRUE(by_tag) << file << " by tag " << tag;
    EXPECT_FALSE(source->manifest("no-such-tag"));
  }
}

TEST(DockerArchiveSource, RefusesWhatIsNotADockerSaveArchive) {
  testing::TempDir dir;
  const auto garbage = dir.path() / "garbage.tar";
  std::ofstream(garbage) << std::string(4096, 'x');
  auto bad = DockerArchiveSource::open(garbage);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);

  const auto no_manifest = dir.path() / "plain.tar";
  std::ofstream(no_manifest, std::ios::binary) << testing::make_tar({file("etc/hostname", "box\n")});
  auto plain = DockerArchiveSource::open(no_manifest);
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message.find("no manifest.json"), std::string::npos);

  const auto dangling = dir.path() / "dangling.tar";
  std::ofstream(dangling, std::ios::binary)
      << testing::make_tar({file("manifest.json", R"([{"Config":"c.json","Layers":["../../etc/passwd"]}])"),
                            file("c.json", "{}")});
  auto missing = DockerArchiveSource::open(dangling);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does not hold"), std::string::npos);

  auto absent = DockerArchiveSource::open(dir.path() / "absent.tar");
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace regscand::scanner::pipeline
