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
  ASSERT_EQ(found->packages.size(), 1u);
  EXPECT_EQ(found->packages[0].name, "b");
  EXPECT_TRUE(found->problems.empty()) << "a file that does not parse is no limit problem";

  layers::LayerFiles private_only;
  private_only.add("app/node_modules/c/package.json",
                   R"({"name": "c", "version": "1.0.0", "private": true})");
  auto none = scanner.scan(private_only);
  ASSERT_TRUE(none) << "a private package is no failure";
  EXPECT_TRUE(none->packages.empty());
}

// {"x":[{},{},...]}: millions of elements that a document would hold at ~80 bytes each (the issue's 16 MB
// files took 480 MB); read by events, only the top-level name and version are kept. Exactly `bytes` long.
std::string empty_objects(std::size_t bytes, std::string_view head = "") {
  std::string text = "{" + std::string(head) + "\"x\":[{}";
  text.reserve(bytes);
  while (text.size() + 5 < bytes) text += ",{}";
  text.append(bytes - 2 - text.size(), ' ');
  return text + "]}";
}

TEST(NpmPackageJson, ManyElementsAreReadWithoutADocument) {
  auto p = parse_package_json(empty_objects(512 * 1024, R"("name": "ws", "version": "8.0.0", )"),
                              "node_modules/ws/package.json");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->name, "ws");
  EXPECT_EQ((*p)->version, "8.0.0");
  auto nested = parse_package_json(R"({"a": {"name": "inner", "version": "1"}, "name": "outer",
                                       "version": "2", "private": "yes"})",
                                   "node_modules/outer/package.json");
  ASSERT_TRUE(nested) << nested.error().message;
  ASSERT_TRUE(*nested) << "only a boolean true makes a package private";
  EXPECT_EQ((*nested)->name, "outer");
  auto twice =
      parse_package_json(R"({"name": "a", "version": "1", "name": "b"})", "node_modules/b/package.json");
  ASSERT_TRUE(twice && *twice);
  EXPECT_EQ((*twice)->name, "b") << "the last of duplicate members counts, as in a parsed document";
}

TEST(NpmPackageJsonScanner, AFileOverTheCapIsAProblemNotRead) {
  const PackageJsonScanner scanner;
  layers::LayerFiles files;
  files.add("app/node_modules/big/package.json",
            empty_objects((1 << 20) + 1, R"("name": "big", "version": "1.0.0", )"));
  files.add("app/node_modules/at-cap/package.json",
            empty_objects(1 << 20, R"("name": "at-cap", "version": "1.0.0", )"));
  auto found = scanner.scan(files);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->packages.size(), 1u);
  EXPECT_EQ(found->packages[0].name, "at-cap");
  ASSERT_EQ(found->problems.size(), 1u);
  const auto& problem = found->problems[0];
  EXPECT_EQ(problem.ecosystem, "npm");
  EXPECT_EQ(problem.path, "app/node_modules/big/package.json");
  EXPECT_EQ(problem.limit, "max_package_json_bytes");
  EXPECT_EQ(problem.value, 1u << 20);
  EXPECT_EQ(
      problem.message,
      "npm: app/node_modules/big/package.json: 1048577 bytes over max_package_json_bytes 1048576: not read");

  layers::LayerFiles only_big;
  only_big.add("app/node_modules/big/package.json", empty_objects(16 << 20));
  auto alone = scanner.scan(only_big);
  ASSERT_TRUE(alone) << "a file over the cap is a problem, not a failure of the layer";
  EXPECT_TRUE(alone->packages.empty());
  EXPECT_EQ(alone->problems.size(), 1u);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::npm
