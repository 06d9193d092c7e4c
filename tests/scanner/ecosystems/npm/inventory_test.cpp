// npm package.json files with crafted inputs: which paths are installed packages, name and version, private
// and unnamed packages left out, and hostile files that fail cleanly without hiding the other packages.
#include "scanner/ecosystems/npm/inventory.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner::ecosystems::npm {
namespace {

TEST(NpmPackageJson, NameAndVersion) {
  auto p = parse_package_json(R"({"name": "@babel/core", "version": "7.23.2", "license": "MIT",
                                  "dependencies": {"debug": "^4.1.0"}, "private": false})",
                              "app/node_modules/@babel/core/package.json");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->ecosystem, "npm");
  EXPECT_EQ((*p)->name, "@babel/core");
  EXPECT_EQ((*p)->version, "7.23.2");
  EXPECT_EQ((*p)->source_name, "@babel/core");
  EXPECT_EQ((*p)->source_version, "7.23.2");
  EXPECT_EQ((*p)->path, "app/node_modules/@babel/core/package.json");
}

TEST(NpmPackageJson, PrivateAndUnnamedPackagesAreNotPackages) {
  const std::string_view path = "node_modules/x/package.json";
  for (const std::string_view text :
       {R"({"name": "ws", "version": "1.0.0", "private": true})", R"({"version": "1.0.0"})",
        R"({"name": "ws"})", R"({"type": "module"})", R"({"name": "", "version": "1.0.0"})",
        R"({"name": null, "version": "1.0.0"})", "{}"}) {
    auto p = parse_package_json(text, path);
    ASSERT_TRUE(p) << text << ": " << p.error().message;
    EXPECT_FALSE(*p) << text;
  }
}

TEST(NpmPackageJson, HostileFilesFailCleanly) {
  const std::string_view path = "node_modules/x/package.json";
  for (const std::string& text :
       {std::string(), std::string("not json"), std::string("[1, 2]"), std::string("\"ws\""),
        std::string(R"({"name": 1, "version": "1.0.0"})"), std::string(R"({"name": "ws", "version": [1]})"),
        std::string(R"({"name": "w s", "version": "1.0.0"})"),
        std::string(R"({"name": "ws", "version": "1.0.0\u0000"})"),
        R"({"name": ")" + std::string(215, 'a') + R"(", "version": "1.0.0"})",
        R"({"name": "ws", "version": ")" + std::string(1 << 20, '1') + R"("})",
        std::string(10'000, '[') + std::string(10'000, ']'),
        std::string("{\"name\": \"\xff\xfe\", \"version\": \"1\"}"),
        std::string("{\"name\": \"ws\", \"version\": \"1.0.0\"")}) {
    auto p = parse_package_json(text, path);
    ASSERT_FALSE(p) << text.substr(0, 80);
    EXPECT_EQ(p.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(p.error().message.find(path), std::string::npos) << p.error().message;
  }
}

TEST(NpmPackageJsonScanner, WantsThePackageJsonAtTheTopOfEachInstalledPackage) {
  const PackageJsonScanner scanner;
  for (const std::string_view yes :
       {"node_modules/ws/package.json", "app/node_modules/ws/package.json",
        "usr/lib/node_modules/npm/package.json", "usr/lib/node_modules/npm/node_modules/semver/package.json",
        "app/node_modules/@babel/core/package.json",
        "app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json"}) {
    EXPECT_TRUE(scanner.wants(yes)) << yes;
  }
  for (const std::string_view no :
       {"package.json", "app/package.json", "app/node_modules/package.json",
        "app/node_modules/ws/lib/package.json", "app/node_modules/ws/test/fixtures/package.json",
        "app/node_modules/@babel/package.json", "app/node_modules/.bin/package.json",
        "app/node_modules/@/x/package.json", "app/node_modules/ws/package.json.bak",
        "app/my_node_modules/ws/package.json", "app/node_modules/ws/node_modules.json",
        "app/node_modules/@scope/x/y/package.json"}) {
    EXPECT_FALSE(scanner.wants(no)) << no;
  }
}

TEST(NpmPackageJsonScanner, ABadFileDoesNotHideTheOthers) {
  const PackageJsonScanner scanner;
  layers::LayerFiles files;
  files.add("app/node_modules/a/package.json", "\x1f\x8b binary junk");
  files.add("app/node_modules/b/package.json", R"({"name": "b", "version": "2.0.0"})");
  files.add("app/node_modules/c/package.json", R"({"name": "c", "version": "1.0.0", "private": true})");
  files.add("app/package.json", R"({"name": "app", "version": "1.0.0"})");
  auto found = scanner.scan(files);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].name, "b");

  layers::LayerFiles private_only;
  private_only.add("app/node_modules/c/package.json",
                   R"({"name": "c", "version": "1.0.0", "private": true})");
  auto none = scanner.scan(private_only);
  ASSERT_TRUE(none) << "a private package is no failure";
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::npm
