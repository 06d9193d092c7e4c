// BerkeleyDB hash Packages files: the go-rpmdb and syft databases, databases built here in both byte
// orders and page sizes, and hostile variants (truncation, bad page sizes, chains that loop, leave the
// file, end early or cross non-overflow pages) rejected with the page named.
#include "scanner/ecosystems/rpm/bdb.hpp"

#include <gtest/gtest.h>

#include "scanner/ecosystems/rpm/header.hpp"
#include "tests/scanner/ecosystems/rpm/rpm_files.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using testing::make_bdb;
using testing::package_blob;
using testing::put16;
using testing::put32;

constexpr std::string_view kPath = "var/lib/rpm/Packages";

std::string error_of(const std::string& file) {
  auto blobs = read_bdb_blobs(file, kPath);
  EXPECT_FALSE(blobs) << "accepted a malformed database";
  return blobs ? std::string() : blobs.error().message;
}

// File offset of item `i` of the (little-endian) hash page at `page`.
std::size_t item_at(const std::string& file, std::size_t page, std::size_t i) {
  const auto lo = static_cast<std::uint8_t>(file[page + 26 + 2 * i]);
  const auto hi = static_cast<std::uint8_t>(file[page + 26 + 2 * i + 1]);
  return page + lo + 256u * hi;
}

std::vector<std::string> names(const std::vector<std::string>& blobs) {
  std::vector<std::string> out;
  for (const auto& blob : blobs) {
    auto h = parse_header(blob);
    out.push_back(h ? h->name : "error: " + h.error().message);
  }
  return out;
}

TEST(RpmBdb, ReadsTheSharedDatabases) {
  const auto data = regscand::testing::test_data() / "pkgdb";
  auto libuuid = read_bdb_blobs(regscand::testing::read_file(data / "rpm/libuuid-rhel8-bdb/Packages"), kPath);
  ASSERT_TRUE(libuuid) << libuuid.error().message;
  EXPECT_EQ(names(*libuuid), std::vector<std::string>{"libuuid"});
  EXPECT_GT(libuuid->front().size(), 4070u * 19);  // a 20-page overflow chain

  auto dive =
      read_bdb_blobs(regscand::testing::read_file(data / "rpm/syft-redhat-testdata-bdb/Packages"), kPath);
  ASSERT_TRUE(dive) << dive.error().message;
  EXPECT_EQ(names(*dive), std::vector<std::string>{"dive"});
}

TEST(RpmBdb, ReadsBothByteOrdersAndPageSizes) {
  const std::vector<std::string> blobs = {package_blob("a"), package_blob(std::string(3000, 'b')),
                                          package_blob("c")};
  for (const bool big : {false, true}) {
    for (const std::uint32_t page_size : {512u, 4096u, 65536u}) {
      auto got = read_bdb_blobs(make_bdb(blobs, page_size, big), kPath);
      ASSERT_TRUE(got) << got.error().message;
      EXPECT_EQ(*got, blobs) << "big endian " << big << ", page size " << page_size;
    }
  }
}

TEST(RpmBdb, RejectsBadMetadata) {
  EXPECT_NE(error_of("").find("rpm: var/lib/rpm/Packages: truncated: 0 bytes"), std::string::npos);
  EXPECT_NE(error_of(std::string(4096, 'x')).find("not a BerkeleyDB hash database"), std::string::npos);

  const std::string good = make_bdb({package_blob("a")});
  std::string btree = good;
  put32(btree, 12, 0x053162);
  EXPECT_NE(error_of(btree).find("btree"), std::string::npos);

  for (const std::uint32_t page_size : {0u, 1u, 256u, 4095u, 131072u, 0xffffffffu}) {
    std::string bad = good;
    put32(bad, 20, page_size);
    EXPECT_NE(error_of(bad).find("page size " + std::to_string(page_size) + " is not a power of two"),
              std::string::npos);
  }

  std::string pages = good;
  put32(pages, 32, 0xffffffff);
  EXPECT_NE(error_of(pages).find("truncated: metadata says 4294967296 pages"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() - 1)).find("truncated"), std::string::npos);

  std::string encrypted = good;
  encrypted[24] = 1;
  EXPECT_EQ(read_bdb_blobs(encrypted, kPath).error().code, ErrorCode::Unimplemented);

  std::string meta_type = good;
  meta_type[25] = 13;
  EXPECT_NE(error_of(meta_type).find("page 0: type 13, not hash metadata"), std::string::npos);
}

TEST(RpmBdb, RejectsBrokenOverflowChains) {
  std::vector<std::uint32_t> first;
  const std::string blob = package_blob("x", std::string(5000, '1'));  // three 4 KiB overflow pages
  const std::string good = make_bdb({blob}, 4096, false, &first);
  ASSERT_EQ(first, std::vector<std::uint32_t>{2});
  const auto page = [](std::uint32_t p) { return std::size_t{p} * 4096; };

  std::string loop = good;
  put32(loop, page(4) + 16, 2);
  EXPECT_NE(error_of(loop).find("rpm: var/lib/rpm/Packages: page 2: overflow chain loops"),
            std::string::npos);

  std::string self = good;
  put32(self, page(3) + 16, 3);
  EXPECT_NE(error_of(self).find("page 3: overflow chain loops"), std::string::npos);

  std::string outside = good;
  put32(outside, page(3) + 16, 1000000);
  EXPECT_NE(error_of(outside).find("overflow page 1000000 outside the file (5 pages)"), std::string::npos);

  std::string early = good;
  put32(early, page(3) + 16, 0);
  EXPECT_NE(error_of(early).find("ends after 8140 of"), std::string::npos);

  const std::size_t ref = item_at(good, 4096, 3);
  std::string too_long = good;
  put32(too_long, ref + 8, 100);
  EXPECT_NE(error_of(too_long).find("overflow length 4070 with 100 bytes left of 100"), std::string::npos);

  std::string huge = good;
  put32(huge, ref + 8, 0xffffffff);
  EXPECT_NE(error_of(huge).find("larger than the file"), std::string::npos);

  std::string to_hash_page = good;
  put32(to_hash_page, ref + 4, 1);
  EXPECT_NE(error_of(to_hash_page).find("page 1: type 13 in an overflow chain"), std::string::npos);

  std::string to_meta = good;
  put32(to_meta, ref + 4, 0);
  auto none = read_bdb_blobs(to_meta, kPath);  // page 0 ends the chain at once: nothing was read
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("ends after 0 of"), std::string::npos);

  std::string bad_len = good;
  put16(bad_len, page(2) + 22, 5000);
  EXPECT_NE(error_of(bad_len).find("page 2: overflow length 5000"), std::string::npos);
}

TEST(RpmBdb, TwoRecordsSharingAChainAreRejected) {
  std::vector<std::uint32_t> first;
  const std::string good = make_bdb({package_blob("a"), package_blob("b")}, 4096, false, &first);
  std::string shared = good;
  // The second off-page reference (item 5) points at the first blob's chain.
  put32(shared, item_at(good, 4096, 5) + 4, first[0]);
  EXPECT_NE(error_of(shared).find("loops or is shared"), std::string::npos);
}

TEST(RpmBdb, RejectsBadHashPages) {
  const std::string good = make_bdb({package_blob("a")});
  std::string odd = good;
  put16(odd, 4096 + 20, 3);
  EXPECT_NE(error_of(odd).find("page 1: 3 items, not key/value pairs"), std::string::npos);

  std::string many = good;
  put16(many, 4096 + 20, 0xfffe);
  EXPECT_NE(error_of(many).find("page 1: 65534 items do not fit the page"), std::string::npos);

  std::string offset = good;
  put16(offset, 4096 + 26, 0xffff);
  EXPECT_NE(error_of(offset).find("page 1: item 0 offsets 65535/"), std::string::npos);

  std::string item_type = good;
  const std::size_t value = item_at(good, 4096, 3);
  item_type[value] = 9;
  EXPECT_NE(error_of(item_type).find("item 3: unknown item type 9"), std::string::npos);
  item_type[value] = 2;
  EXPECT_NE(error_of(item_type).find("duplicate records"), std::string::npos);
}

TEST(RpmBdb, EveryTruncationAndByteFlipIsHandled) {
  const std::string good = make_bdb({package_blob("a"), package_blob("b", std::string(5000, '2'))}, 1024);
  // The contract on damaged input: blobs that are bytes of the file, never more of them than it holds (a
  // flipped byte may turn a counter entry into one more small blob), or an error naming the file.
  auto holds = [](const std::string& file, const std::string& what) {
    auto got = read_bdb_blobs(file, kPath);
    if (got) {
      std::size_t bytes = 0;
      for (const auto& blob : *got) bytes += blob.size();
      EXPECT_LE(bytes, file.size()) << what;
    } else {
      EXPECT_NE(got.error().message.find(kPath), std::string::npos) << what << ": " << got.error().message;
    }
  };
  for (std::size_t n = 0; n < good.size(); n += 7) holds(good.substr(0, n), "cut at " + std::to_string(n));
  for (std::size_t i = 0; i < good.size(); i += 3) {
    std::string flipped = good;
    flipped[i] = static_cast<char>(~flipped[i]);
    holds(flipped, "byte " + std::to_string(i) + " flipped");
  }
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
