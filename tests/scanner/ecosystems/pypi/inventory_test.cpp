// Python core metadata (METADATA, PKG-INFO, egg-info files) with crafted inputs: the paths the scanner
// reads, Name and Version from the header block only, PEP 503 names, and hostile files that must fail
// cleanly without hiding the other distributions of the layer.
#include "scanner/ecosystems/pypi/inventory.hpp"

#include <gtest/gtest.h>

#include <string>

#include "scanner/matching/index.hpp"

namespace regscand::scanner::ecosystems::pypi {
namespace {

constexpr std::string_view kRequests =
    "Metadata-Version: 2.1\r\n"
    "Name: requests\r\n"
    "Version: 2.31.0\r\n"
    "Summary: Python HTTP for Humans.\r\n"
    "Classifier: Programming Language :: Python\r\n"
    "\r\n"
    "Name: not-this\r\n"
    "Version: 9\r\n";

TEST(PypiMetadata, NameAndVersionFromTheHeaders) {
  auto p = parse_metadata(kRequests, "usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ecosystem, "pypi");
  EXPECT_EQ(p->name, "requests");
  EXPECT_EQ(p->version, "2.31.0");
  EXPECT_EQ(p->source_name, "requests");
  EXPECT_EQ(p->source_version, "2.31.0");
  EXPECT_EQ(p->path, "usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA");

  auto odd =
      parse_metadata("version:  1.0 \nDescription: x\n  folded Name: no\nNAME:Django_REST.framework\n", "x");
  ASSERT_TRUE(odd) << odd.error().message;
  EXPECT_EQ(odd->name, "Django_REST.framework");
  EXPECT_EQ(odd->version, "1.0");
  EXPECT_EQ(odd->source_name, "django-rest-framework");
}

TEST(PypiMetadata, Pep503NamesAgreeWithTheAdvisoryIndex) {
  for (const std::string_view name :
       {"Django_REST.framework", "zope.interface", "Foo__Bar--baz..Qux", "A", "python-dateutil", "PyYAML"}) {
    EXPECT_EQ(normalize_name(name), matching::normalize_name("PyPI", name)) << name;
  }
  EXPECT_EQ(normalize_name("Django_REST.framework"), "django-rest-framework");
  EXPECT_EQ(normalize_name("Foo__Bar--baz..Qux"), "foo-bar-baz-qux");
}

TEST(PypiMetadata, HostileFilesFailCleanly) {
  const std::string_view path = "site-packages/x.dist-info/METADATA";
  EXPECT_FALSE(parse_metadata("", path));
  EXPECT_FALSE(parse_metadata("Name: a\n", path)) << "no Version";
  EXPECT_FALSE(parse_metadata("Version: 1\n", path)) << "no Name";
  EXPECT_FALSE(parse_metadata("Name:\nVersion: 1\n", path)) << "empty Name";
  EXPECT_FALSE(parse_metadata("\nName: a\nVersion: 1\n", path)) << "headers end at the first blank line";
  EXPECT_FALSE(parse_metadata("Name: a b\nVersion: 1\n", path)) << "blank inside a name";
  EXPECT_FALSE(parse_metadata("Name: " + std::string(300, 'a') + "\nVersion: 1\n", path)) << "huge name";
  EXPECT_FALSE(parse_metadata("Name: a\nVersion: " + std::string(10 << 20, '1') + "\n", path))
      << "huge version";
  EXPECT_FALSE(parse_metadata(std::string("Name: a\0b\nVersion: 1\n", 21), path)) << "NUL";
  EXPECT_FALSE(parse_metadata("Name: caf\xc3\xa9\nVersion: 1\n", path)) << "non-ASCII";
  std::string junk(1 << 16, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 7919) & 0xff);
  auto failed = parse_metadata(junk, path);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(failed.error().message.find(path), std::string::npos);
}

TEST(PypiMetadataScanner, WantsInstalledMetadataOnly) {
  const MetadataScanner scanner;
  for (const std::string_view yes :
       {"usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA",
        "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
        "opt/venv/lib/python3.11/site-packages/pip-23.2.dist-info/METADATA",
        "site-packages/a-1.dist-info/METADATA", "app/src/mypkg.egg-info/PKG-INFO",
        "usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/PKG-INFO",
        "usr/lib/python2.7/dist-packages/foo-1.0.egg-info",
        "usr/lib/python3.6/site-packages/setuptools-39.0.egg/EGG-INFO/PKG-INFO"}) {
    EXPECT_TRUE(scanner.wants(yes)) << yes;
  }
  for (const std::string_view no :
       {"usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/RECORD",
        "build/requests-2.31.0.dist-info/METADATA",
        "usr/lib/python3.11/my-site-packages/a.dist-info/METADATA",
        "usr/lib/python3.11/site-packages/requests/METADATA", "app/mypkg.egg-info/SOURCES.txt",
        "app/foo.egg-info", "METADATA", "PKG-INFO", "usr/share/doc/METADATA"}) {
    EXPECT_FALSE(scanner.wants(no)) << no;
  }
}

TEST(PypiMetadataScanner, ABadFileDoesNotHideTheOthers) {
  const MetadataScanner scanner;
  layers::LayerFiles files;
  files.add("usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA", std::string(kRequests));
  files.add("usr/lib/python3.11/site-packages/broken-1.dist-info/METADATA",
            "\x7f"
            "ELF\x01\x02");
  files.add("usr/lib/python3/dist-packages/six-1.16.0.egg-info",
            "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n");
  files.add("etc/os-release", "ID=debian\n");
  auto found = scanner.scan(files);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->packages.size(), 2u);
  EXPECT_EQ(found->packages[0].name, "requests");
  EXPECT_EQ(found->packages[1].name, "six");
  EXPECT_EQ(found->packages[1].path, "usr/lib/python3/dist-packages/six-1.16.0.egg-info");

  layers::LayerFiles only_broken;
  only_broken.add("usr/lib/python3.11/site-packages/broken-1.dist-info/METADATA", "garbage");
  auto broken = scanner.scan(only_broken);
  ASSERT_FALSE(broken) << "a layer whose only metadata is unusable reports it";
  EXPECT_NE(broken.error().message.find("broken-1.dist-info/METADATA"), std::string::npos);
  EXPECT_TRUE(scanner.scan(layers::LayerFiles())->packages.empty());
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::pypi
