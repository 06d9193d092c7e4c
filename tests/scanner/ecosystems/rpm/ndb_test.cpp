// ndb Packages.db files: SUSE's database from tests/data, databases built here, and hostile variants
// (bad magic or version, slot pages past the end, blobs outside the file, bad heads and tails, slots
// sharing a blob) rejected with the slot named.
#include "scanner/ecosystems/rpm/ndb.hpp"

#include <gtest/gtest.h>

#include "scanner/ecosystems/rpm/header.hpp"
#include "tests/scanner/ecosystems/rpm/rpm_files.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using testing::make_ndb;
using testing::package_blob;
using testing::put32;

constexpr std::string_view kPath = "usr/lib/sysimage/rpm/Packages.db";

std::string error_of(const std::string& file) {
  auto blobs = read_ndb_blobs(file, kPath);
  EXPECT_FALSE(blobs) << "accepted a malformed database";
  return blobs ? std::string() : blobs.error().message;
}

TEST(RpmNdb, ReadsTheSharedDatabase) {
  const auto file =
      regscand::testing::read_file(regscand::testing::test_data() / "pkgdb/rpm/sle15-bci/Packages.db");
  auto blobs = read_ndb_blobs(file, kPath);
  ASSERT_TRUE(blobs) << blobs.error().message;
  ASSERT_EQ(blobs->size(), 36u);
  auto first = parse_header(blobs->front());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->name, "system-user-root");
}

TEST(RpmNdb, ReadsBuiltDatabasesAndSkipsFreeSlots) {
  const std::vector<std::string> blobs = {package_blob("a"), package_blob("b", std::string(100, '9'))};
  std::string file = make_ndb(blobs);
  auto got = read_ndb_blobs(file, kPath);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, blobs);
  put32(file, 32 + 4, 0);  // slot 0 freed
  got = read_ndb_blobs(file, kPath);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, std::vector<std::string>{blobs[1]});
}

TEST(RpmNdb, RejectsBadFiles) {
  const std::string good = make_ndb({package_blob("a"), package_blob("b")});
  EXPECT_NE(error_of("").find("rpm: usr/lib/sysimage/rpm/Packages.db: truncated"), std::string::npos);
  EXPECT_NE(error_of(std::string(64, 'x')).find("not an ndb database"), std::string::npos);

  std::string version = good;
  put32(version, 4, 3);
  EXPECT_NE(error_of(version).find("ndb version 3, want 0"), std::string::npos);

  for (const std::uint32_t pages : {0u, 2u, 0xffffffffu}) {
    std::string bad = good;
    put32(bad, 12, pages);
    EXPECT_NE(error_of(bad).find("slot pages do not fit"), std::string::npos) << pages;
  }

  std::string slot_magic = good;
  slot_magic[32 + 16 * 5] = 'X';
  EXPECT_NE(error_of(slot_magic).find("slot 5: bad slot magic"), std::string::npos);
}

TEST(RpmNdb, RejectsBadBlobs) {
  const std::string good = make_ndb({package_blob("a"), package_blob("b")});
  const std::size_t slot1 = 32 + 16;

  std::string outside = good;
  put32(outside, slot1 + 8, 0x10000000);
  EXPECT_NE(error_of(outside).find("slot 1: blob at 4294967296 of"), std::string::npos);

  std::string huge_count = good;
  put32(huge_count, slot1 + 12, 0xffffffff);
  EXPECT_NE(error_of(huge_count).find("outside the data area"), std::string::npos);

  std::string into_slots = good;
  put32(into_slots, slot1 + 8, 1);
  EXPECT_NE(error_of(into_slots).find("slot 1: blob at 16 of"), std::string::npos);

  const std::size_t blob1 = std::size_t{static_cast<std::uint8_t>(good[slot1 + 8])} * 16 +
                            std::size_t{static_cast<std::uint8_t>(good[slot1 + 9])} * 16 * 256;
  std::string head = good;
  head[blob1] = 'X';
  EXPECT_NE(error_of(head).find("slot 1: blob at " + std::to_string(blob1) + ": bad head"),
            std::string::npos);

  std::string index = good;
  put32(index, blob1 + 4, 7);
  EXPECT_NE(error_of(index).find("bad head"), std::string::npos);

  std::string length = good;
  put32(length, blob1 + 12, 0xfffffff0);
  EXPECT_NE(error_of(length).find("blob length 4294967280 larger than its"), std::string::npos);

  std::string tail = good;
  tail[good.size() - 1] = 'X';
  EXPECT_NE(error_of(tail).find("slot 1: blob at " + std::to_string(blob1) + ": bad tail"),
            std::string::npos);
}

TEST(RpmNdb, SlotsSharingOneBlobCannotMultiplyIt) {
  std::string file = make_ndb({package_blob("a", std::string(2000, '1'))});
  const std::string slot0 = file.substr(32, 16);
  for (std::size_t slot = 1; slot < 4096 / 16 - 2; ++slot) file.replace(32 + 16 * slot, 16, slot0);
  EXPECT_NE(error_of(file).find("slots share blobs"), std::string::npos);
}

TEST(RpmNdb, EveryTruncationAndByteFlipIsHandled) {
  const std::string good = make_ndb({package_blob("a"), package_blob("b")});
  // The contract on damaged input: blobs that are bytes of the file, never more of them than it holds (a
  // flipped byte may turn a counter entry into one more small blob), or an error naming the file.
  auto holds = [](const std::string& file, const std::string& what) {
    auto got = read_ndb_blobs(file, kPath);
    if (got) {
      std::size_t bytes = 0;
      for (const auto& blob : *got) bytes += blob.size();
      EXPECT_LE(bytes, file.size()) << what;
    } else {
      EXPECT_NE(got.error().message.find(kPath), std::string::npos) << what << ": " << got.error().message;
    }
  };
  for (std::size_t n = 0; n < good.size(); n += 5) holds(good.substr(0, n), "cut at " + std::to_string(n));
  for (std::size_t i = 0; i < good.size(); i += 3) {
    std::string flipped = good;
    flipped[i] = static_cast<char>(~flipped[i]);
    holds(flipped, "byte " + std::to_string(i) + " flipped");
  }
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
