// Installed gem specifications with crafted inputs: the generated spec RubyGems writes, older %q{} specs,
// the file-name fallback (platform gems), which paths are specifications, and hostile files that fail
// cleanly without hiding the other gems.
#include "scanner/ecosystems/gem/inventory.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner::ecosystems::gem {
namespace {

// As `gem install rack` writes it (rubygems 3.4), abridged.
constexpr std::string_view kRack = R"(# -*- encoding: utf-8 -*-
# stub: rack 2.2.8 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.8"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib".freeze]
  s.authors = ["Leah Neukirchen".freeze]
  s.rubygems_version = "3.4.10".freeze
  s.specification_version = 4
  s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
end
)";

TEST(GemGemspec, NameAndVersionFromTheAssignments) {
  auto p = parse_gemspec(kRack, "usr/local/bundle/specifications/rack-2.2.8.gemspec");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ecosystem, "gem");
  EXPECT_EQ(p->name, "rack");
  EXPECT_EQ(p->version, "2.2.8");
  EXPECT_EQ(p->source_name, "rack");
  EXPECT_EQ(p->source_version, "2.2.8");
  EXPECT_EQ(p->path, "usr/local/bundle/specifications/rack-2.2.8.gemspec");

  auto old = parse_gemspec(
      "Gem::Specification.new do |spec|\n  spec.name = %q{json_pure}\n"
      "  spec.version = '1.4.6'\nend\n",
      "x/specifications/whatever.gemspec");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->name, "json_pure");
  EXPECT_EQ(old->version, "1.4.6");
}

TEST(GemGemspec, TheFileNameFillsWhatTheTextLacks) {
  auto platform = parse_gemspec("", "var/lib/gems/3.1.0/specifications/nokogiri-1.15.4-x86_64-linux.gemspec");
  ASSERT_TRUE(platform) << platform.error().message;
  EXPECT_EQ(platform->name, "nokogiri");
  EXPECT_EQ(platform->version, "1.15.4");
  auto dashed = parse_gemspec("s.version == 'no'\n", "specifications/rails-html-sanitizer-1.6.0.gemspec");
  ASSERT_TRUE(dashed) << dashed.error().message;
  EXPECT_EQ(dashed->name, "rails-html-sanitizer");
  EXPECT_EQ(dashed->version, "1.6.0");
  auto digits = parse_gemspec("", "specifications/default/net-http-2fa-0.4.1.beta1.gemspec");
  ASSERT_TRUE(digits) << digits.error().message;
  EXPECT_EQ(digits->name, "net-http-2fa");
  EXPECT_EQ(digits->version, "0.4.1.beta1");
  auto named = parse_gemspec("  s.name = \"real\"\n", "specifications/file-1.0.gemspec");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->name, "real") << "the text wins";
  EXPECT_EQ(named->version, "1.0");
}

TEST(GemGemspec, HostileFilesFailCleanly) {
  const std::string_view path = "specifications/noversion.gemspec";
  for (const std::string& text : {std::string(), std::string("s.name = \"x\"\n"),
                                  std::string("s.name = \"x\nwith newline\"\ns.version = \"1\"\n"),
                                  std::string("s.name = \"a\\\"b\"\ns.version = \"1\"\n"),
                                  std::string("s.name = \"x\"\ns.version = \"1.0\n"),
                                  "s.name = \"" + std::string(300, 'a') + "\"\ns.version = \"1\"\n",
                                  "s.name = \"x\"\ns.version = \"" + std::string(4 << 20, '1') + "\"\n",
                                  std::string("s.name = \"x\xff\"\ns.version = \"1\"\n"),
                                  std::string("s.name = %q\n"), std::string(50'000, '\0')}) {
    auto p = parse_gemspec(text, path);
    ASSERT_FALSE(p) << text.substr(0, 60);
    EXPECT_EQ(p.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(p.error().message.find(path), std::string::npos);
  }
  EXPECT_FALSE(parse_gemspec("", "specifications/.gemspec"));
  EXPECT_FALSE(parse_gemspec("", "specifications/-1.0.gemspec"));
  EXPECT_FALSE(parse_gemspec("", ".gemspec"));
}

TEST(GemGemspecScanner, WantsInstalledSpecificationsOnly) {
  const GemspecScanner scanner;
  for (const std::string_view yes :
       {"usr/local/bundle/specifications/rack-2.2.8.gemspec",
        "usr/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec",
        "app/vendor/bundle/ruby/3.2.0/specifications/puma-6.4.0.gemspec", "specifications/a-1.gemspec"}) {
    EXPECT_TRUE(scanner.wants(yes)) << yes;
  }
  for (const std::string_view no :
       {"app/rack.gemspec", "usr/local/bundle/gems/rack-2.2.8/rack.gemspec",
        "usr/local/bundle/specifications/rack-2.2.8.gemspec.bak", "usr/local/bundle/specifications/.gemspec",
        "usr/local/bundle/my-specifications/a-1.gemspec", "usr/local/bundle/specifications/x/a-1.gemspec",
        "default/a-1.gemspec"}) {
    EXPECT_FALSE(scanner.wants(no)) << no;
  }
}

TEST(GemGemspecScanner, ABadFileDoesNotHideTheOthers) {
  const GemspecScanner scanner;
  layers::LayerFiles files;
  files.add("usr/local/bundle/specifications/rack-2.2.8.gemspec", std::string(kRack));
  files.add("usr/local/bundle/specifications/junk.gemspec",
            "\x7f"
            "ELF");
  auto found = scanner.scan(files);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->packages.size(), 1u);
  EXPECT_EQ(found->packages[0].name, "rack");
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::gem
