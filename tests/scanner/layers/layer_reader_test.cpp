// read_layer on tarballs built here: compression by magic bytes, wanted files only, caps, whiteouts,
// hostile names and links, truncated and garbage streams, a decompression bomb. Plus path normalisation.
#include "scanner/layers/layer_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "scanner/layers/path.hpp"
#include "tests/support/oci_image.hpp"

namespace regscand::scanner::layers {
namespace {

using testing::TarEntry;
using Type = TarEntry::Type;

TarEntry file(std::string path, std::string content) {
  return {Type::File, std::move(path), std::move(content), "", 0644};
}
TarEntry dir(std::string path) {
  return {Type::Directory, std::move(path), "", "", 0755};
}
TarEntry symlink(std::string path, std::string target) {
  return {Type::Symlink, std::move(path), "", std::move(target), 0777};
}
TarEntry hardlink(std::string path, std::string target) {
  return {Type::Hardlink, std::move(path), "", std::move(target), 0644};
}

std::string zstd_bytes(std::string_view data) {
  std::string out(data.size() + 1024, '\0');
  std::size_t used = 0;
  archive* a = archive_write_new();
  archive_write_add_filter_zstd(a);
  archive_write_set_format_raw(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open_memory(a, out.data(), out.size(), &used);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

const WantsFn kWantsEtc = [](std::string_view path) {
  return path.starts_with("etc/") || path == "lib/apk/db/installed";
};

Result<LayerFacts> read(std::string_view bytes, const LayerLimits& limits = {}) {
  MemorySource source(bytes);
  return read_layer(source, kWantsEtc, limits);
}

TEST(ReadLayer, PlainGzipAndZstdGiveTheSameFiles) {
  const auto tar =
      testing::make_tar({dir("etc"), file("etc/os-release", "ID=alpine\n"), file("usr/bin/x", "binary")});
  for (const auto& [bytes, compression] :
       {std::pair{tar, Compression::None}, std::pair{testing::gzip_bytes(tar), Compression::Gzip},
        std::pair{zstd_bytes(tar), Compression::Zstd}}) {
    auto facts = read(bytes);
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->compression, compression);
    ASSERT_NE(facts->files.find("etc/os-release"), nullptr);
    EXPECT_EQ(*facts->files.find("etc/os-release"), "ID=alpine\n");
    EXPECT_EQ(facts->files.find("usr/bin/x"), nullptr) << "not wanted, not read";
    EXPECT_EQ(facts->entries, 3u);
    EXPECT_EQ(facts->compressed_bytes, bytes.size());
  }
}

TEST(ReadLayer, OversizedWantedFilesAreSkippedWithAReason) {
  LayerLimits limits;
  limits.max_file_bytes = 4;
  auto facts = read(testing::make_tar({file("etc/big", "123456789"), file("etc/small", "ok")}), limits);
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(facts->files.find("etc/big"), nullptr);
  EXPECT_EQ(*facts->files.find("etc/small"), "ok");
  ASSERT_EQ(facts->skipped.size(), 1u);
  EXPECT_NE(facts->skipped[0].reason.find("max_file_bytes"), std::string::npos);
  EXPECT_EQ(facts->wanted.count("etc/big"), 1u) << "present, though unread: it still hides lower layers";
}

TEST(ReadLayer, WhiteoutsAndOpaqueDirectoriesAreFactsNotFiles) {
  auto facts =
      read(testing::make_tar({file("etc/.wh.passwd", ""), file("lib/apk/db/.wh..wh..opq", ""),
                              file("lib/apk/db/installed", "P:musl\n"), file(".wh..wh.plnk/123", "")}));
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(facts->removed, (std::set<std::string, std::less<>>{"etc/passwd"}));
  EXPECT_EQ(facts->opaque_dirs, (std::set<std::string, std::less<>>{"lib/apk/db"}));
  EXPECT_EQ(*facts->files.find("lib/apk/db/installed"), "P:musl\n");
  EXPECT_EQ(facts->files.find("etc/.wh.passwd"), nullptr);
}

TEST(ReadLayer, HostileNamesAreSkippedOrNormalised) {
  auto facts =
      read(testing::make_tar({file("../../etc/shadow", "escape"), file("/etc/hosts", "absolute"),
                              file("./etc/./a/../group", "dots"), file("etc/x/../../../passwd", "deep")}));
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(facts->files.find("etc/shadow"), nullptr);
  EXPECT_EQ(*facts->files.find("etc/hosts"), "absolute") << "an absolute name is relative to the image root";
  EXPECT_EQ(*facts->files.find("etc/group"), "dots");
  EXPECT_EQ(facts->files.find("passwd"), nullptr);
  EXPECT_EQ(facts->skipped_count, 2u);
}

TEST(ReadLayer, DuplicatesLastWinsAndLinksAreNeverFollowed) {
  auto facts = read(testing::make_tar(
      {file("etc/a", "first"), file("etc/a", "second"), file("etc/real", "content"),
       hardlink("etc/hard", "etc/real"), hardlink("etc/hard-out", "../../etc/real"),
       symlink("etc/link", "/root/.ssh/id_rsa"), symlink("etc/os-release", "../usr/lib/os-release")}));
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(*facts->files.find("etc/a"), "second");
  EXPECT_EQ(*facts->files.find("etc/hard"), "content") << "a hardlink takes its earlier target's content";
  EXPECT_EQ(facts->files.find("etc/hard-out"), nullptr);
  EXPECT_EQ(facts->files.find("etc/link"), nullptr);
  EXPECT_EQ(facts->symlinks.at("etc/link"), "/root/.ssh/id_rsa");
  EXPECT_EQ(facts->wanted.at("etc/os-release"), EntryKind::Symlink);
}

TEST(ReadLayer, LongPaxNamesWork) {
  const std::string deep = "etc/" + std::string(200, 'd') + "/" + std::string(150, 'f');
  auto facts = read(testing::make_tar({file(deep, "long")}));
  ASSERT_TRUE(facts) << facts.error().message;
  ASSERT_NE(facts->files.find(deep), nullptr);
}

TEST(ReadLayer, TruncatedAndGarbageStreamsFailWithAReason) {
  const auto tar = testing::make_tar({file("etc/os-release", std::string(5000, 'x'))});
  for (const auto& bytes :
       {tar.substr(0, 700), testing::gzip_bytes(tar).substr(0, 40), std::string(2048, '\x5a'),
        std::string("\x1f\x8b\x08\x00garbage-after-gzip-magic", 28)}) {
    auto facts = read(bytes);
    ASSERT_FALSE(facts) << bytes.size();
    EXPECT_EQ(facts.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(facts.error().message.rfind("layer: ", 0), 0u) << facts.error().message;
  }
  auto empty = read("");
  EXPECT_TRUE(empty) << "an empty layer holds nothing";
}

TEST(ReadLayer, ADecompressionBombHitsTheRatioCap) {
  LayerLimits limits;
  limits.ratio_grace_bytes = 1 << 20;
  limits.max_ratio = 50;
  const auto bomb = testing::gzip_bytes(testing::make_tar({file("zeros", std::string(8 << 20, '\0'))}));
  ASSERT_LT(bomb.size(), 100u << 10);
  auto facts = read(bomb, limits);
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(facts.error().message.find("max_ratio"), std::string::npos);

  LayerLimits absolute;
  absolute.max_uncompressed_bytes = 1 << 20;
  auto capped = read(bomb, absolute);
  ASSERT_FALSE(capped);
  EXPECT_NE(capped.error().message.find("max_uncompressed_bytes"), std::string::npos);
}

TEST(ReadLayer, TooManyEntries) {
  LayerLimits limits;
  limits.max_entries = 3;
  auto facts = read(testing::make_tar({file("a", ""), file("b", ""), file("c", ""), file("d", "")}), limits);
  ASSERT_FALSE(facts);
  EXPECT_NE(facts.error().message.find("max_entries"), std::string::npos);
}

class FailingSource final : public PullSource {
 public:
  Result<std::size_t> read(std::span<char>) override {
    return fail(ErrorCode::FailedPrecondition, "digest mismatch");
  }
};

TEST(ReadLayer, TheSourcesErrorIsReportedAsIs) {
  FailingSource source;
  auto facts = read_layer(source, kWantsEtc);
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().code, ErrorCode::FailedPrecondition);
  EXPECT_EQ(facts.error().message, "digest mismatch");
}

TEST(NormalizePath, Cases) {
  EXPECT_EQ(*normalize_path("./usr//bin/."), "usr/bin");
  EXPECT_EQ(*normalize_path("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(*normalize_path("a/../b"), "b");
  EXPECT_EQ(*normalize_path("./"), "");
  EXPECT_FALSE(normalize_path("../../etc/passwd"));
  EXPECT_FALSE(normalize_path(std::string("a\0b", 3)));
}

TEST(ClassifyWhiteout, Cases) {
  EXPECT_EQ(classify_whiteout("etc/.wh.passwd").kind, WhiteoutKind::Remove);
  EXPECT_EQ(classify_whiteout("etc/.wh.passwd").target, "etc/passwd");
  EXPECT_EQ(classify_whiteout(".wh..wh..opq").kind, WhiteoutKind::Opaque);
  EXPECT_EQ(classify_whiteout(".wh..wh..opq").target, "");
  EXPECT_EQ(classify_whiteout("a/.wh..wh.plnk").kind, WhiteoutKind::Invalid);
  EXPECT_EQ(classify_whiteout("a/.wh.").kind, WhiteoutKind::Invalid);
  EXPECT_EQ(classify_whiteout("a/wh.x").kind, WhiteoutKind::None);
  EXPECT_TRUE(is_within("etc/apk/x", "etc/apk"));
  EXPECT_FALSE(is_within("etc/apkx", "etc/apk"));
  EXPECT_TRUE(is_within("anything", ""));
}

}  // namespace
}  // namespace regscand::scanner::layers
