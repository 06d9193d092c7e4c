// Layers to inventories: the Alpine 3.11.5 `docker save` archive gives exactly Trivy's 14 packages
// and alpine 3.11.5; multi-layer OCI layouts built here exercise replacement, whiteouts, opaque
// directories and the introducing layer; fold_inventory on hand-made reports covers the edge cases.
#include "scanner/pipeline/inventory.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scanner/pipeline/docker_archive_source.hpp"
#include "scanner/pipeline/resolve.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::scanner::pipeline {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(REGSCAND_TEST_DATA) / "pkgdb";

Result<ImageInventory> inventory_of(ImageSource& source, std::string_view reference,
                                    const layers::LayerLimits& limits = {}) {
  auto resolved = resolve_images(source, reference);
  if (!resolved) return std::unexpected(resolved.error());
  const auto scanners = ecosystems::builtin_package_scanners();
  std::vector<LayerReport> reports;
  for (const auto& layer : resolved->images.at(0).manifest.layers) {
    auto report = analyze_layer(source, layer, scanners, limits);
    if (!report) return std::unexpected(report.error());
    reports.push_back(std::move(*report));
  }
  return fold_inventory(reports);
}

std::vector<std::string> listing(const ImageInventory& inventory) {
  std::vector<std::string> out;
  for (const auto& p : inventory.packages) {
    out.push_back(p.package.name + " " + p.package.version + " " + p.package.source_name + " @" +
                  std::to_string(p.layer));
  }
  return out;
}

TEST(Inventory, TrivysAlpine311ImageGivesTrivysPackages) {
  auto source = DockerArchiveSource::open(kData / "images" / "trivy-alpine-3.11.5-docker-save.tar.gz");
  ASSERT_TRUE(source) << source.error().message;
  auto inventory = inventory_of(*source, "");
  ASSERT_TRUE(inventory) << inventory.error().message;
  ASSERT_TRUE(inventory->distribution);
  EXPECT_EQ(inventory->distribution->id, "alpine");
  EXPECT_EQ(inventory->distribution->version_id, "3.11.5");

  std::vector<std::string> want;
  std::ifstream in(kData / "expected" / "trivy-alpine-3.11.5-image.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') want.push_back(line + " @0");
  }
  auto got = listing(*inventory);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got.size(), 14u);
  EXPECT_EQ(got, want);
}

testing::LayerSpec layer(const std::map<std::string, std::string>& files) {
  return testing::files_layer(files);
}

std::string status(const std::vector<std::pair<std::string, std::string>>& packages) {
  std::string out;
  for (const auto& [name, version] : packages) {
    out += "Package: " + name + "\nStatus: install ok installed\nVersion: " + version +
           "\nArchitecture: amd64\n\n";
  }
  return out;
}

TEST(Inventory, LayersReplaceAndDeleteDatabasesExactly) {
  testing::TempDir dir;
  testing::OciLayoutBuilder layout(dir.path() / "l");
  const std::string kOs =
      "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 "
      "(bookworm)\"\n";
  layout.add_image(
      {layer({{"etc/os-release", kOs},
              {"var/lib/dpkg/status", status({{"base-files", "12.4"}, {"libc6", "2.36-9"}})}}),
       layer({{"var/lib/dpkg/status",
               status({{"base-files", "12.4"}, {"libc6", "2.36-9+deb12u4"}, {"curl", "7.88.1-10"}})}}),
       layer({{"app/readme", "no databases here"}})},
      "upgraded");
  OciLayoutSource source(layout.dir());
  auto inventory = inventory_of(source, "upgraded");
  ASSERT_TRUE(inventory) << inventory.error().message;
  ASSERT_TRUE(inventory->distribution);
  EXPECT_EQ(inventory->distribution->version_codename, "bookworm");
  EXPECT_EQ(listing(*inventory),
            (std::vector<std::string>{"base-files 12.4 base-files @0", "curl 7.88.1-10 curl @1",
                                      "libc6 2.36-9+deb12u4 libc6 @1"}));
}

TEST(Inventory, DistrolessIsTheDpkgLayoutOfTheFinalImage) {
  testing::TempDir dir;
  testing::OciLayoutBuilder layout(dir.path() / "l");
  const std::string kOs =
      "ID=debian\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nPRETTY_NAME=\"Debian GNU/Linux 12 "
      "(bookworm)\"\n";
  const auto base = layer({{"etc/os-release", kOs},
                           {"etc/debian_version", "12.5\n"},
                           {"var/lib/dpkg/status.d/base-files", status({{"base-files", "12.4"}})}});
  layout.add_image({base}, "distroless");
  layout.add_image({base, layer({{"var/lib/dpkg/status", status({{"dpkg", "1.21.22"}})}})}, "with-dpkg");
  OciLayoutSource source(layout.dir());
  auto distroless = inventory_of(source, "distroless");
  ASSERT_TRUE(distroless) << distroless.error().message;
  ASSERT_TRUE(distroless->distribution);
  EXPECT_TRUE(distroless->distribution->distroless);
  EXPECT_EQ(distroless->distribution->version_id, "12.5") << "debian_version's point release";
  EXPECT_EQ(distroless->distribution->version_codename, "bookworm");
  auto with_dpkg = inventory_of(source, "with-dpkg");
  ASSERT_TRUE(with_dpkg) << with_dpkg.error().message;
  ASSERT_TRUE(with_dpkg->distribution);
  EXPECT_FALSE(with_dpkg->distribution->distroless) << "a later layer adds the dpkg status database";
}

// "ecosystem path limit value @layer" per problem.
std::vector<std::string> problems(const ImageInventory& inventory) {
  std::vector<std::string> out;
  for (const auto& [p, layer] : inventory.problems) {
    out.push_back(p.ecosystem + " " + p.path + " " + p.limit + " " + std::to_string(p.value) + " @" +
                  std::to_string(layer));
  }
  return out;
}

TEST(Inventory, ADatabaseOverALimitIsAProblemOfTheImageWhileItsCopyIsFinal) {
  testing::TempDir dir;
  testing::OciLayoutBuilder layout(dir.path() / "l");
  const auto small = layer({{"var/lib/dpkg/status", status({{"base-files", "12.4"}})}});
  std::string many;
  for (int i = 0; i < 40; ++i) many += status({{"pkg" + std::to_string(i), "1.0"}});
  const auto big = layer({{"var/lib/dpkg/status", many},
                          {"app/node_modules/ws/package.json",
                           R"({"name": "ws", "version": "8.0.0"})" + std::string(4096, ' ')}});
  layout.add_image({small, big}, "hidden");
  layout.add_image({big, small}, "replaced");
  OciLayoutSource source(layout.dir());
  const layers::LayerLimits limits{.max_file_bytes = 2048};

  auto hidden = inventory_of(source, "hidden", limits);
  ASSERT_TRUE(hidden) << hidden.error().message;
  EXPECT_TRUE(hidden->packages.empty()) << "the final status is the one not read";
  EXPECT_EQ(problems(*hidden), (std::vector<std::string>{
                                   "npm app/node_modules/ws/package.json max_file_bytes 2048 @1",
                                   "dpkg var/lib/dpkg/status max_file_bytes 2048 @1",
                               }));
  ASSERT_EQ(hidden->problems.size(), 2u);
  EXPECT_EQ(hidden->problems[1].problem.message, "dpkg: var/lib/dpkg/status: " + std::to_string(many.size()) +
                                                     " bytes over max_file_bytes 2048: not read");

  auto replaced = inventory_of(source, "replaced", limits);
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(listing(*replaced), std::vector<std::string>{"base-files 12.4 base-files @1"});
  EXPECT_EQ(problems(*replaced),
            std::vector<std::string>{"npm app/node_modules/ws/package.json max_file_bytes 2048 @0"})
      << "the status over the limit is replaced; the package.json below stays";
}

TEST(Inventory, AWhitedOutDatabaseLeavesNoPackages) {
  testing::TempDir dir;
  testing::OciLayoutBuilder layout(dir.path() / "l");
  layout.add_image(
      {layer({{"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\n"}, {"etc/alpine-release", "3.19.1\n"}}),
       layer({{"lib/apk/db/.wh.installed", ""}})},
      "deleted");
  layout.add_image(
      {layer({{"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\n"}}),
       layer({{"lib/apk/db/.wh..wh..opq", ""}, {"lib/apk/db/installed", "P:busybox\nV:1.36.1-r15\n\n"}})},
      "opaque");
  OciLayoutSource source(layout.dir());
  auto deleted = inventory_of(source, "deleted");
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(deleted->packages.empty());
  ASSERT_TRUE(deleted->distribution);
  EXPECT_EQ(deleted->distribution->id, "alpine");
  EXPECT_EQ(deleted->distribution->version_id, "3.19.1");
  auto opaque = inventory_of(source, "opaque");
  ASSERT_TRUE(opaque) << opaque.error().message;
  EXPECT_EQ(listing(*opaque), std::vector<std::string>{"busybox 1.36.1-r15 busybox @1"});
}

// Each language metadata file is a database path of its own: an upgrade (old dist-info deleted, new one
// added), a deleted package directory and a whited-out file each remove exactly that package.
TEST(Inventory, LanguagePackagesFollowTheirOwnFilesThroughTheLayers) {
  testing::TempDir dir;
  testing::OciLayoutBuilder layout(dir.path() / "l");
  const std::string site = "usr/local/lib/python3.12/site-packages/";
  const auto metadata = [](std::string name, std::string version) {
    return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n\nREADME\n";
  };
  const auto package_json = [](std::string name, std::string version) {
    return R"({"name": ")" + name + R"(", "version": ")" + version + R"("})";
  };
  layout.add_image({layer({{site + "requests-2.31.0.dist-info/METADATA", metadata("requests", "2.31.0")},
                           {site + "six-1.16.0.dist-info/METADATA", metadata("six", "1.16.0")},
                           {"app/node_modules/lodash/package.json", package_json("lodash", "4.17.20")},
                           {"app/node_modules/ws/package.json", package_json("ws", "8.14.2")},
                           {"usr/local/bundle/specifications/rack-3.0.8.gemspec",
                            "s.name = 'rack'\ns.version = '3.0.8'\n"}}),
                    layer({{site + ".wh.requests-2.31.0.dist-info", ""},
                           {site + "requests-2.32.3.dist-info/METADATA", metadata("requests", "2.32.3")},
                           {"app/node_modules/.wh.lodash", ""},
                           {"usr/local/bundle/specifications/.wh.rack-3.0.8.gemspec", ""}}),
                    layer({{"app/node_modules/ws/package.json", package_json("ws", "8.14.2")}})},
                   "languages");
  OciLayoutSource source(layout.dir());
  auto inventory = inventory_of(source, "languages");
  ASSERT_TRUE(inventory) << inventory.error().message;
  EXPECT_FALSE(inventory->distribution);
  EXPECT_EQ(listing(*inventory), (std::vector<std::string>{"ws 8.14.2 ws @0", "requests 2.32.3 requests @1",
                                                           "six 1.16.0 six @0"}));
}

TEST(FoldInventory, APackageRemovedAndReaddedIsIntroducedWhereItCameBack) {
  auto pkg = [](std::string name) {
    return Package{"apk", std::move(name), "1", "", "", "", "lib/apk/db/installed"};
  };
  std::vector<LayerReport> layers(4);
  for (auto& l : layers) l.present.insert("lib/apk/db/installed");
  layers[0].packages = {pkg("a"), pkg("b")};
  layers[1].packages = {pkg("a")};
  layers[2].packages = {pkg("a"), pkg("b")};
  layers[3].packages = {pkg("a"), pkg("b")};
  const auto inventory = fold_inventory(layers);
  ASSERT_EQ(inventory.packages.size(), 2u);
  EXPECT_EQ(inventory.packages[0].layer, 0u) << "a stayed in every copy";
  EXPECT_EQ(inventory.packages[1].layer, 2u) << "b left in layer 1 and came back in layer 2";
  EXPECT_TRUE(fold_inventory({}).packages.empty());
}

}  // namespace
}  // namespace regscand::scanner::pipeline
