// CVSS base scores: the v3.1 specification's worked examples, every v3.1 base vector and a sample of v4.0
// ones against an independent calculator (testdata/cvss/), the scores published beside vectors in the Trivy
// goldens, every vector in the OSV records in tests/data, and malformed vectors.
#include "scanner/feeds/cvss/cvss.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/test_data.hpp"

namespace regscand::scanner::feeds::cvss {
namespace {

namespace fs = std::filesystem;

long tenths(double score) {
  return std::lround(score * 10);
}

struct Example {
  std::string_view name;
  std::string_view vector;
  double want;
};

// CVSS v3.1 Examples (FIRST), section 3; v4.0 scores as FIRST's calculator gives them.
constexpr Example kExamples[] = {
    {"CVE-2013-1937 phpMyAdmin reflected XSS", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
    {"CVE-2013-0375 MySQL stored SQL injection", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4},
    {"CVE-2014-3566 SSLv3 POODLE", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1},
    {"CVE-2012-1516 VMware guest to host escape", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9},
    {"CVE-2009-0783 Apache Tomcat XML parser", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2},
    {"CVE-2012-0384 Cisco IOS command execution", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2015-1098 iWork denial of service", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8},
    {"CVE-2014-0160 OpenSSL Heartbleed", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
    {"CVE-2014-6271 GNU Bash Shellshock", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
    {"CVE-2008-1447 DNS Kaminsky bug", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8},
    {"CVE-2014-2005 Sophos login screen bypass", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8},
    {"CVE-2010-0467 Joomla directory traversal", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8},
    {"CVE-2012-1342 Cisco access-list bypass", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8},
    {"CVE-2013-6014 Juniper proxy ARP denial of service", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H",
     9.3},
    {"CVE-2014-9253 DokuWiki reflected XSS", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4},
    {"CVE-2011-1265 Windows Bluetooth RCE", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2014-2019 Apple iOS security bypass", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6},
    {"CVE-2015-0970 SearchBlox CSRF", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2014-0224 OpenSSL CCS injection", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4},
    {"CVE-2012-5376 Chrome sandbox bypass", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6},
    {"CVE-2016-1645 Chrome PDFium JPEG 2000 RCE", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8},
    {"CVE-2016-0128 Windows SAM/LSAD downgrade", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N", 6.8},
    {"CVE-2016-2118 Samba Badlock", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.5},
    {"CVE-2016-5729 Lenovo BIOS privilege escalation", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2},
    {"CVE-2018-3652 Intel debug interface", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 7.6},
    {"v4.0 network, no requirements, full impact",
     "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
    {"v4.0 local, passive user", "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5},
    {"v4.0 no impact", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
    {"v4.0 every impact", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
    // RedHatProductSecurity/cvss tests/vectors_simple4 (a third implementation)
    {"v4.0 redhat 1", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2},
    {"v4.0 redhat 2", "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4.0},
    {"v4.0 redhat 3", "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8},
    {"v4.0 redhat 4", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:H/SI:N/SA:N", 4.9},
    {"v4.0 redhat 5", "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:H/SI:H/SA:L", 5.0},
};

TEST(Cvss, SpecificationExamples) {
  int passed = 0;
  for (const auto& example : kExamples) {
    const auto s = score(example.vector);
    ASSERT_TRUE(s) << example.name << ": " << s.error().message;
    EXPECT_EQ(tenths(s->base), tenths(example.want)) << example.name << " " << example.vector;
    passed += tenths(s->base) == tenths(example.want) ? 1 : 0;
  }
  EXPECT_EQ(passed, 34);
}

std::vector<std::pair<std::string, double>> read_vectors(const std::string& name) {
  std::ifstream in(fs::path(REGSCAND_TESTS_DIR) / "scanner/feeds/testdata/cvss" / name);
  std::vector<std::pair<std::string, double>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    std::string vector;
    double want = -1;
    fields >> vector >> want;
    out.emplace_back(vector, want);
  }
  return out;
}

void check_all(const std::vector<std::pair<std::string, double>>& vectors, std::string_view prefix) {
  for (const auto& [vector, want] : vectors) {
    const std::string v = prefix.empty() ? vector : std::string(prefix) + vector.substr(vector.find('/'));
    const auto s = score(v);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(tenths(s->base), tenths(want)) << v;
    ASSERT_EQ(s->severity, rating(want)) << v;
  }
}

TEST(Cvss, EveryV31BaseVectorAgreesWithReferenceCalculator) {
  const auto vectors = read_vectors("v31_base.txt");
  ASSERT_EQ(vectors.size(), 2'592u);
  check_all(vectors, "");
  check_all(vectors, "CVSS:3.0");  // the same base scores under v3.0's Roundup
  EXPECT_EQ(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")->version, Version::V3_0);
}

TEST(Cvss, V40BaseSampleAgreesWithReferenceCalculator) {
  const auto vectors = read_vectors("v40_base_sample.txt");
  ASSERT_EQ(vectors.size(), 2'100u);
  check_all(vectors, "");
}

TEST(Cvss, EveryV40BaseVectorScoresInRange) {
  const std::vector<std::pair<std::string, std::string>> metrics = {
      {"AV", "NALP"}, {"AC", "LH"},  {"AT", "NP"},  {"PR", "NLH"}, {"UI", "NPA"}, {"VC", "HLN"},
      {"VI", "HLN"},  {"VA", "HLN"}, {"SC", "HLN"}, {"SI", "HLN"}, {"SA", "HLN"}};
  std::vector<std::size_t> pick(metrics.size(), 0);
  std::size_t count = 0;
  while (true) {
    std::string vector = "CVSS:4.0";
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      vector += "/" + metrics[i].first + ":" + metrics[i].second[pick[i]];
    }
    const auto s = score(vector);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_GE(s->base, 0.0);
    ASSERT_LE(s->base, 10.0);
    ASSERT_EQ(s->severity, rating(s->base));
    ++count;
    std::size_t i = metrics.size();
    while (i > 0 && ++pick[i - 1] == metrics[i - 1].second.size()) {
      pick[--i] = 0;
    }
    if (i == 0) {
      break;
    }
  }
  EXPECT_EQ(count, 104'976u);
}

TEST(Cvss, Ratings) {
  EXPECT_EQ(rating(0.0), Severity::Negligible);
  EXPECT_EQ(rating(0.1), Severity::Low);
  EXPECT_EQ(rating(3.9), Severity::Low);
  EXPECT_EQ(rating(4.0), Severity::Medium);
  EXPECT_EQ(rating(6.9), Severity::Medium);
  EXPECT_EQ(rating(7.0), Severity::High);
  EXPECT_EQ(rating(8.9), Severity::High);
  EXPECT_EQ(rating(9.0), Severity::Critical);
  EXPECT_EQ(rating(10.0), Severity::Critical);
  EXPECT_EQ(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")->severity, Severity::Negligible);
}

TEST(Cvss, AnyOrderAndNonBaseMetricsLeaveTheBaseScore) {
  EXPECT_EQ(tenths(score("CVSS:3.1/A:N/I:N/C:H/S:U/UI:N/PR:N/AC:L/AV:N")->base), 75);
  EXPECT_EQ(tenths(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O/RC:U/CR:L/MAV:P/MS:C")->base),
            75);
  EXPECT_EQ(tenths(score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/MSI:S/S:P/"
                         "AU:Y/R:I/V:C/RE:H/U:Red")
                       ->base),
            93);
}

TEST(Cvss, MalformedVectorsNameTheFault) {
  const std::pair<std::string_view, std::string_view> bads[] = {
      {"", "does not start with"},
      {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "does not start with"},
      {"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "does not start with"},
      {"CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "does not start with"},
      {"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "does not start with"},
      {"CVSS:3.1", "empty field"},
      {"CVSS:3.1/", "empty field"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/", "empty field"},
      {"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "empty field"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A", "is not metric:value"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/XX:Y", "unknown metric \"XX\""},
      {"CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:N/A:N", "unknown metric \"AT\""},
      {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "duplicate metric AV"},
      {"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "invalid value AV:X"},
      {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "invalid value AV:n"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:NN", "invalid value A:NN"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N", "missing base metric A"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:N/A:N", "missing base metric S"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing base metric SA"},
      {"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "missing base metric AT"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "invalid value UI:R"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "invalid value SI:S"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", "invalid value U:red"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:N/S:N", "duplicate metric S"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", "unknown metric \"RL\""},
  };
  for (const auto& [vector, why] : bads) {
    const auto s = score(vector);
    ASSERT_FALSE(s) << vector;
    EXPECT_EQ(s.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(s.error().message.find(why), std::string::npos) << vector << ": " << s.error().message;
  }
  EXPECT_FALSE(score(std::string(600, 'A')));
  EXPECT_FALSE(score(std::string("CVSS:3.1/AV:N\0/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 46)));
}

void collect(const nlohmann::json& j, std::vector<std::pair<std::string, double>>& scored,
             std::vector<std::string>& osv_vectors) {
  if (j.is_object()) {
    if (j.contains("V3Vector") && j.contains("V3Score") && j["V3Vector"].is_string() &&
        j["V3Score"].is_number()) {
      scored.emplace_back(j["V3Vector"].get<std::string>(), j["V3Score"].get<double>());
    }
    if (j.contains("type") && j.contains("score") && j["score"].is_string() && j["type"].is_string() &&
        j["type"].get<std::string>().starts_with("CVSS_V")) {
      osv_vectors.push_back(j["score"].get<std::string>());
    }
  }
  if (j.is_structured()) {
    for (const auto& child : j) {
      collect(child, scored, osv_vectors);
    }
  }
}

void collect_dir(const fs::path& dir, std::vector<std::pair<std::string, double>>& scored,
                 std::vector<std::string>& osv_vectors) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".json" && ext != ".golden")) {
      continue;
    }
    const auto j = nlohmann::json::parse(testing::read_file(entry.path()), nullptr, false);
    if (!j.is_discarded()) {
      collect(j, scored, osv_vectors);
    }
  }
}

TEST(Cvss, EveryVectorInTheSharedOsvFilesParses) {
  std::vector<std::pair<std::string, double>> scored;
  std::vector<std::string> vectors;
  collect_dir(testing::test_data() / "feeds/osv", scored, vectors);
  collect_dir(testing::test_data() / "feeds/osv-schema", scored, vectors);
  for (const auto& vector : vectors) {
    const auto s = score(vector);
    EXPECT_TRUE(s) << vector << ": " << s.error().message;
  }
  // The records outside the zips (the zips are counted by the OSV importer test). schema.json's own
  // "score" properties are objects, not strings, so they are not counted.
  EXPECT_EQ(vectors.size(), 15u);
}

TEST(Cvss, PublishedScoresBesideVectorsInTheTrivyGoldens) {
  std::vector<std::pair<std::string, double>> scored;
  std::vector<std::string> vectors;
  collect_dir(testing::test_data() / "golden", scored, vectors);
  std::set<std::pair<std::string, double>> distinct(scored.begin(), scored.end());
  EXPECT_EQ(scored.size(), 102u);
  EXPECT_EQ(distinct.size(), 21u);
  for (const auto& [vector, published] : distinct) {
    const auto s = score(vector);
    ASSERT_TRUE(s) << vector << ": " << s.error().message;
    EXPECT_EQ(tenths(s->base), tenths(published)) << vector;
  }
}

}  // namespace
}  // namespace regscand::scanner::feeds::cvss
