// `regscand scan` as a user runs it: an OCI layout written here, and the same image pushed with skopeo into
// a real docker-registry; JSON and table output; exit codes 0 (scanned), 1 (failed), 2 (bad reference).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/oci_image.hpp"
#include "tests/support/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

CommandResult scan(std::vector<std::string> args) {
  args.insert(args.begin(), {REGSCAND_BINARY, "scan"});
  return run_command(args, std::chrono::seconds(60));
}

nlohmann::json json_of(const CommandResult& r) {
  const auto start = r.output.find('{');
  if (start == std::string::npos) return nullptr;
  return nlohmann::json::parse(r.output.substr(start), nullptr, false);
}

class ScanCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = layout_.add_image(
        {files_layer({{"etc/os-release", "ID=alpine\n"}}), files_layer({{"app/x", "1"}})}, "v1");
  }
  TempDir dir_;
  OciLayoutBuilder layout_{dir_.path() / "layout"};
  OciImage image_;
};

TEST_F(ScanCommand, AnOciLayoutAsJson) {
  const auto r = scan({"oci:" + layout_.dir().string() + ":v1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = json_of(r);
  ASSERT_TRUE(doc.is_object()) << r.output;
  EXPECT_EQ(doc["digest"], image_.manifest.digest);
  ASSERT_EQ(doc["images"].size(), 1u);
  EXPECT_EQ(doc["images"][0]["platform"], "linux/amd64");
  ASSERT_EQ(doc["images"][0]["layers"].size(), 2u);
  EXPECT_EQ(doc["images"][0]["layers"][1]["digest"], image_.layers[1].digest);
}

TEST_F(ScanCommand, TableOutput) {
  const auto r = scan({"--format", "table", "oci:" + layout_.dir().string() + ":v1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("linux/amd64"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("alpine"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(image_.manifest.digest), std::string::npos) << r.output;
}

TEST_F(ScanCommand, ExitCodes) {
  EXPECT_EQ(scan({"Not/A/Valid:Ref"}).exit_code, 2);
  EXPECT_EQ(scan({"--format", "xml", "oci:" + layout_.dir().string()}).exit_code, 2);
  const auto missing = scan({"oci:" + layout_.dir().string() + ":nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no manifest tagged \"nope\""), std::string::npos) << missing.output;
  EXPECT_EQ(scan({"oci:" + (dir_.path() / "absent").string() + ":v1"}).exit_code, 1);
}

TEST_F(ScanCommand, ADockerSaveArchive) {
  const auto archive =
      std::string(REGSCAND_TEST_DATA) + "/pkgdb/images/trivy-alpine-3.11.5-docker-save.tar.gz";
  const auto r = scan({"docker-archive:" + archive});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = json_of(r);
  ASSERT_TRUE(doc.is_object()) << r.output;
  ASSERT_EQ(doc["images"].size(), 1u);
  EXPECT_EQ(doc["images"][0]["layers"].size(), 1u);
  EXPECT_EQ(doc["images"][0]["distribution"]["id"], "alpine");
  EXPECT_EQ(doc["images"][0]["distribution"]["version_id"], "3.11.5");
  ASSERT_EQ(doc["images"][0]["packages"].size(), 14u) << "Trivy's count for this image";
  EXPECT_EQ(doc["images"][0]["packages"][0]["layer"], doc["images"][0]["layers"][0]["digest"]);
  EXPECT_EQ(scan({"docker-archive:" + (dir_.path() / "absent.tar").string()}).exit_code, 1);
}

TEST_F(ScanCommand, FromARealRegistryOverPlainHttp) {
  TestRegistry registry;
  registry.push(layout_.reference("v1"), "team/app:v1");
  const auto r = scan({"--plain-http", registry.host() + "/team/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto doc = json_of(r);
  ASSERT_TRUE(doc.is_object()) << r.output;
  EXPECT_EQ(doc["digest"], image_.manifest.digest);
  EXPECT_EQ(doc["images"][0]["layers"].size(), 2u);
  const auto absent = scan({"--plain-http", registry.host() + "/team/none:v1"});
  EXPECT_EQ(absent.exit_code, 1);
}

}  // namespace
}  // namespace regscand::testing
