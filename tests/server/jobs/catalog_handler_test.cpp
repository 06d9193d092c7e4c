// walk_catalog over a scripted source and a recording importer: paging to the end, each image imported
// once (a digest under two tags too), active jobs counted as skipped, repositories whose tags list 404s or
// 401s counted as errors while the walk goes on, and the hostile cases failing the job with a reason
// (loops by target or by last=, page/repository/tag caps, bad pages). The real registry and database:
// catalog_handler_e2etest.cpp.
#include "server/jobs/catalog_handler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace regscand::server::jobs {
namespace {

using scanner::registry::NamePage;

// Names served in pages of the requested size; `next` is "/p?last=<name>&n=<size>" as distribution's.
NamePage page_of(const std::vector<std::string>& all, std::size_t size, std::string_view next,
                 const std::string& path) {
  std::size_t start = 0;
  if (!next.empty()) {
    const auto last =
        std::string(next.substr(next.find("last=") + 5, next.find('&') - next.find("last=") - 5));
    while (start < all.size() && all[start] != last) ++start;
    ++start;
  }
  NamePage page;
  for (std::size_t i = start; i < all.size() && page.names.size() < size; ++i) page.names.push_back(all[i]);
  if (start + page.names.size() < all.size()) {
    page.next = path + "?last=" + page.names.back() + "&n=" + std::to_string(size);
  }
  return page;
}

class FakeSource final : public CatalogSource {
 public:
  std::vector<std::string> repos;
  std::map<std::string, std::vector<std::string>> tags_of;
  std::map<std::string, std::string> digests;   // "repo:tag" -> digest
  std::map<std::string, Error> tag_errors;      // repository -> its tags list fails
  std::map<std::string, Error> resolve_errors;  // "repo:tag" -> resolving fails
  std::function<Result<NamePage>(std::string_view next)> catalog_override;
  std::size_t catalog_requests = 0;
  std::vector<std::string> tag_requests;

  Result<NamePage> repositories(std::size_t page_size, std::string_view next) override {
    ++catalog_requests;
    if (catalog_override) return catalog_override(next);
    return page_of(repos, page_size, next, "/v2/_catalog");
  }
  Result<NamePage> tags(std::string_view repository, std::size_t page_size, std::string_view next) override {
    const std::string repo(repository);
    tag_requests.push_back(repo + " " + std::string(next));
    if (auto it = tag_errors.find(repo); it != tag_errors.end()) return std::unexpected(it->second);
    return page_of(tags_of[repo], page_size, next, "/v2/" + repo + "/tags/list");
  }
  Result<std::string> digest_of(std::string_view repository, std::string_view tag) override {
    const auto key = std::string(repository) + ":" + std::string(tag);
    if (auto it = resolve_errors.find(key); it != resolve_errors.end()) return std::unexpected(it->second);
    return digests.at(key);
  }
};

class RecordingImporter final : public CatalogImporter {
 public:
  std::set<std::string> active;  // "repo@digest" with a queued or running job
  std::vector<std::string> imports, tags;
  Result<bool> import(std::string_view repository, std::string_view digest, std::string_view tag) override {
    const auto image = std::string(repository) + "@" + std::string(digest);
    imports.push_back(image + " " + std::string(tag));
    return active.insert(image).second;
  }
  Result<void> tag(std::string_view repository, std::string_view digest, std::string_view tag) override {
    tags.push_back(std::string(repository) + "@" + std::string(digest) + " " + std::string(tag));
    return {};
  }
};

CatalogLimits small() {
  CatalogLimits limits;
  limits.page_size = 2;
  return limits;
}

FakeSource three_repositories() {
  FakeSource source;
  source.repos = {"a", "b", "team/c"};
  source.tags_of = {{"a", {"v1", "v2", "latest"}}, {"b", {"1.0"}}, {"team/c", {"x", "y", "z", "w", "q"}}};
  source.digests = {{"a:v1", "sha256:a1"},     {"a:v2", "sha256:a2"},     {"a:latest", "sha256:a2"},
                    {"b:1.0", "sha256:b1"},    {"team/c:x", "sha256:c1"}, {"team/c:y", "sha256:c2"},
                    {"team/c:z", "sha256:c3"}, {"team/c:w", "sha256:c4"}, {"team/c:q", "sha256:c5"}};
  return source;
}

TEST(CatalogWalk, PagesToTheEndAndImportsEachImageOnce) {
  auto source = three_repositories();
  RecordingImporter importer;
  importer.active.insert("b@sha256:b1");  // already queued by a push webhook
  auto report = walk_catalog(source, importer, small());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->repositories, 3u);
  EXPECT_EQ(report->tags, 9u);
  EXPECT_EQ(report->images_queued, 7u);
  EXPECT_EQ(report->images_skipped, 1u);
  EXPECT_EQ(report->errors, 0u);
  EXPECT_EQ(source.catalog_requests, 2u);
  EXPECT_EQ(source.tag_requests,
            (std::vector<std::string>{"a ", "a /v2/a/tags/list?last=v2&n=2", "b ", "team/c ",
                                      "team/c /v2/team/c/tags/list?last=y&n=2",
                                      "team/c /v2/team/c/tags/list?last=w&n=2"}));
  EXPECT_EQ(importer.imports.size(), 8u) << "a:latest names a:v2's digest: one import, one more tag";
  EXPECT_EQ(importer.tags, std::vector<std::string>{"a@sha256:a2 latest"});

  const auto json = nlohmann::json::parse(report->to_json("local"));
  EXPECT_EQ(json["registry"], "local");
  EXPECT_EQ(json["repositories"], 3);
  EXPECT_EQ(json["tags"], 9);
  EXPECT_EQ(json["images_queued"], 7);
  EXPECT_EQ(json["images_skipped"], 1);
  EXPECT_EQ(json["errors"], 0);
  EXPECT_TRUE(json["error_samples"].empty());
}

TEST(CatalogWalk, ASecondWalkQueuesNothingWhileTheJobsAreActive) {
  auto source = three_repositories();
  RecordingImporter importer;
  ASSERT_TRUE(walk_catalog(source, importer, small()));
  auto again = walk_catalog(source, importer, small());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->images_queued, 0u);
  EXPECT_EQ(again->images_skipped, 8u);
}

TEST(CatalogWalk, ClosedOrMissingTagsListsAndUnresolvableTagsAreCountedAndTheWalkGoesOn) {
  auto source = three_repositories();
  source.tag_errors.emplace("a", Error{ErrorCode::NotFound, "registry r: tags list a: not found (HTTP 404)"});
  source.tag_errors.emplace("b", Error{ErrorCode::Unauthenticated, "registry r: tags list b: unauthorized"});
  source.resolve_errors.emplace("team/c:y", Error{ErrorCode::NotFound, "manifest team/c:y: not found"});
  source.repos.push_back("Bad Name");
  RecordingImporter importer;
  auto report = walk_catalog(source, importer, small());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->repositories, 3u);
  EXPECT_EQ(report->errors, 4u);
  EXPECT_EQ(report->images_queued, 4u);
  ASSERT_EQ(report->error_samples.size(), 4u);
  EXPECT_NE(report->error_samples[0].find("tags list a"), std::string::npos);
  EXPECT_NE(report->error_samples[1].find("tags list b"), std::string::npos);
  EXPECT_NE(report->error_samples[2].find("team/c:y"), std::string::npos);
  EXPECT_NE(report->error_samples[3].find("invalid repository name"), std::string::npos);
}

TEST(CatalogWalk, AnUnreachableRegistryFailsTheWalkToBeRetried) {
  auto source = three_repositories();
  source.tag_errors.emplace("b", Error{ErrorCode::Unavailable, "registry r: HTTP 503 after 4 attempts"});
  RecordingImporter importer;
  auto report = walk_catalog(source, importer, small());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::Unavailable);
  EXPECT_FALSE(is_permanent(report.error()));
}

TEST(CatalogWalk, LoopsFailTheJob) {
  auto source = three_repositories();
  // The same next page over and over.
  source.catalog_override = [](std::string_view) -> Result<NamePage> {
    return NamePage{{"a"}, "/v2/_catalog?last=a&n=2"};
  };
  RecordingImporter importer;
  auto report = walk_catalog(source, importer, small());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::FailedPrecondition);
  EXPECT_TRUE(is_permanent(report.error()));
  EXPECT_NE(report.error().message.find("loop"), std::string::npos) << report.error().message;
  EXPECT_EQ(source.catalog_requests, 2u);

  // A changing target that names the same last= again.
  int call = 0;
  source.catalog_override = [&](std::string_view) -> Result<NamePage> {
    ++call;
    return NamePage{{"a"}, "/v2/_catalog?last=a&n=2&x=" + std::to_string(call)};
  };
  report = walk_catalog(source, importer, small());
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("last=\"a\" twice"), std::string::npos) << report.error().message;
  EXPECT_EQ(call, 2);
}

TEST(CatalogWalk, CapsFailTheJobWithTheLimitNamed) {
  auto source = three_repositories();
  RecordingImporter importer;
  auto limits = small();
  limits.max_pages = 1;
  auto report = walk_catalog(source, importer, limits);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(report.error().message.find("max_pages"), std::string::npos) << report.error().message;

  limits = small();
  limits.max_repositories = 2;
  report = walk_catalog(source, importer, limits);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("more than 2 repositories"), std::string::npos)
      << report.error().message;

  limits = small();
  limits.max_tags = 5;
  report = walk_catalog(source, importer, limits);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("more than 5 tags"), std::string::npos) << report.error().message;

  limits = small();
  limits.page_size = 0;
  EXPECT_FALSE(walk_catalog(source, importer, limits));
}

TEST(CatalogWalk, ABadCatalogPageFailsTheJob) {
  auto source = three_repositories();
  source.catalog_override = [](std::string_view) -> Result<NamePage> {
    return std::unexpected(Error{ErrorCode::InvalidArgument, "registry r: catalog: not a JSON object"});
  };
  RecordingImporter importer;
  auto report = walk_catalog(source, importer, small());
  ASSERT_FALSE(report);
  EXPECT_TRUE(is_permanent(report.error()));
  EXPECT_NE(report.error().message.find("not a JSON object"), std::string::npos);
  EXPECT_TRUE(importer.imports.empty());
}

TEST(CatalogWalk, ErrorSamplesAreCapped) {
  FakeSource source;
  for (int i = 0; i < 30; ++i) {
    const auto repo = "r" + std::to_string(i);
    source.repos.push_back(repo);
    source.tag_errors.emplace(repo, Error{ErrorCode::PermissionDenied, "forbidden " + repo});
  }
  RecordingImporter importer;
  auto report = walk_catalog(source, importer, CatalogLimits{});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->errors, 30u);
  EXPECT_EQ(report->error_samples.size(), CatalogLimits{}.max_error_samples);
}

}  // namespace
}  // namespace regscand::server::jobs
