// rpm header blobs: the identifying tags of well-formed headers, and every malformed shape rejected with
// its reason (sizes, offsets, counts, types, terminators).
#include "scanner/ecosystems/rpm/header.hpp"

#include <gtest/gtest.h>

#include "tests/scanner/ecosystems/rpm/rpm_files.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using testing::header_blob;
using testing::int32;
using testing::put_be32;
using testing::str;

std::string full_blob() {
  return header_blob({str(1000, "libuuid"), str(1001, "2.32.1"), str(1002, "42.el8_8"), int32(1003, 2),
                      str(1022, "x86_64"), str(1044, "util-linux-2.32.1-42.el8_8.src.rpm"),
                      str(5096, "nodejs:18:8080020230825:ad008a3a"), str(1011, "Red Hat, Inc."),
                      str(1014, "BSD")});
}

std::string error_of(const std::string& blob) {
  auto h = parse_header(blob);
  EXPECT_FALSE(h) << "accepted a malformed header";
  return h ? std::string() : h.error().message;
}

TEST(RpmHeader, ReadsTheIdentifyingTags) {
  auto h = parse_header(full_blob());
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->name, "libuuid");
  EXPECT_EQ(h->version, "2.32.1");
  EXPECT_EQ(h->release, "42.el8_8");
  EXPECT_EQ(h->epoch, 2);
  EXPECT_EQ(h->arch, "x86_64");
  EXPECT_EQ(h->source_rpm, "util-linux-2.32.1-42.el8_8.src.rpm");
  EXPECT_EQ(h->modularity_label, "nodejs:18:8080020230825:ad008a3a");
  EXPECT_EQ(h->vendor, "Red Hat, Inc.");
  EXPECT_EQ(h->license, "BSD");
  EXPECT_EQ(evr(*h), "2:2.32.1-42.el8_8");
}

TEST(RpmHeader, OptionalTagsMayBeAbsent) {
  auto h = parse_header(header_blob({str(1000, "gpg-pubkey"), str(1001, "d832c631"), str(1002, "63977702")}));
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_FALSE(h->epoch);
  EXPECT_EQ(h->arch, "");
  EXPECT_EQ(h->source_rpm, "");
  EXPECT_EQ(evr(*h), "d832c631-63977702");
}

TEST(RpmHeader, EpochZeroIsKept) {
  auto h = parse_header(header_blob({str(1000, "a"), str(1001, "1"), str(1002, "2"), int32(1003, 0)}));
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(evr(*h), "0:1-2");
}

TEST(RpmHeader, RejectsBadSizes) {
  EXPECT_NE(error_of("").find("shorter than its preamble"), std::string::npos);
  EXPECT_NE(error_of(std::string(7, '\0')).find("shorter than its preamble"), std::string::npos);
  EXPECT_NE(error_of(std::string(8, '\0')).find("index count 0"), std::string::npos);

  std::string huge_count = full_blob();
  put_be32(huge_count, 0, 0x10000);
  EXPECT_NE(error_of(huge_count).find("index count 65536"), std::string::npos);

  std::string huge_data = full_blob();
  put_be32(huge_data, 4, 0xffffffff);
  EXPECT_NE(error_of(huge_data).find("data length 4294967295 over"), std::string::npos);

  const std::string blob = full_blob();
  EXPECT_NE(error_of(blob.substr(0, blob.size() - 1)).find("make"), std::string::npos);
  EXPECT_NE(error_of(blob + "x").find("make"), std::string::npos);
}

TEST(RpmHeader, RejectsEntriesPointingOutside) {
  std::string offset = full_blob();
  put_be32(offset, 8 + 8, 0x7fffffff);  // entry 0's offset
  EXPECT_NE(error_of(offset).find("index entry 0 (tag 1000): offset 2147483647 outside the data"),
            std::string::npos);

  std::string count = full_blob();
  put_be32(count, 8 + 3 * 16 + 12, 0x40000000);  // the epoch entry's count
  EXPECT_NE(error_of(count).find("index entry 3 (tag 1003): 1073741824 elements run past the data"),
            std::string::npos);

  std::string type = full_blob();
  put_be32(type, 8 + 4, 77);
  EXPECT_NE(error_of(type).find("unknown type 77"), std::string::npos);
}

TEST(RpmHeader, RejectsBadValues) {
  const std::string unterminated =
      header_blob({str(1001, "1"), str(1002, "2"), {1000, 6, "no-nul-at-the-end"}});
  EXPECT_NE(error_of(unterminated).find("tag 1000): string not terminated"), std::string::npos);

  EXPECT_NE(error_of(header_blob({int32(1000, 5), str(1001, "1"), str(1002, "2")})).find("is not a string"),
            std::string::npos);
  EXPECT_NE(error_of(header_blob({str(1001, "1"), str(1002, "2")})).find("no NAME"), std::string::npos);
  EXPECT_NE(error_of(header_blob({str(1000, ""), str(1001, "1"), str(1002, "2")})).find("no NAME"),
            std::string::npos);
  EXPECT_NE(error_of(header_blob({str(1000, "a"), str(1002, "2")})).find("no VERSION"), std::string::npos);
  EXPECT_NE(error_of(header_blob({str(1000, "a"), str(1001, "1"), str(1002, "2"), str(1003, "1")}))
                .find("want one int32"),
            std::string::npos);
  EXPECT_NE(error_of(header_blob({{1000, 6, std::string("a\0", 2), 0}, str(1001, "1"), str(1002, "2")}))
                .find("no string"),
            std::string::npos);
}

TEST(RpmHeader, EveryTruncationIsAnErrorNotACrash) {
  const std::string blob = full_blob();
  for (std::size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(parse_header(blob.substr(0, n))) << n;
  }
}

TEST(RpmSourceRpm, SplitsNameVersionRelease) {
  auto s = split_source_rpm("util-linux-2.32.1-42.el8_8.src.rpm");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "util-linux");
  EXPECT_EQ(s->version, "2.32.1");
  EXPECT_EQ(s->release, "42.el8_8");
  auto nosrc = split_source_rpm("a-1-2.nosrc.rpm");
  ASSERT_TRUE(nosrc);
  EXPECT_EQ(nosrc->name, "a");
  for (const char* bad : {"", "(none)", "a-1.src.rpm", "-1-2.src.rpm", "a--2.src.rpm", "a-1-.src.rpm",
                          "a-1-2.rpm", ".src.rpm"}) {
    EXPECT_FALSE(split_source_rpm(bad)) << bad;
  }
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
