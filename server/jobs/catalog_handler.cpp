#include "server/jobs/catalog_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <set>

#include "scanner/model/reference.hpp"
#include "scanner/registry/client.hpp"

namespace regscand::server::jobs {
namespace {

using scanner::registry::NamePage;

// A registry failure worth retrying the whole walk for, rather than counting it and going on.
bool is_transient(const Error& error) {
  return error.code == ErrorCode::Unavailable || error.code == ErrorCode::DeadlineExceeded;
}

// A tags list that is missing or closed to our credentials: counted, the walk goes on.
bool is_skippable_listing(const Error& error) {
  return error.code == ErrorCode::NotFound || error.code == ErrorCode::Unauthenticated ||
         error.code == ErrorCode::PermissionDenied;
}

class Walk {
 public:
  Walk(CatalogSource& source, CatalogImporter& importer, const CatalogLimits& limits)
      : source_(source), importer_(importer), limits_(limits) {}

  Result<CatalogReport> run() {
    auto walked = pages(
        "catalog", [&](std::string_view next) { return source_.repositories(limits_.page_size, next); },
        [&](const std::vector<std::string>& names) { return repositories(names); });
    if (!walked) return std::unexpected(std::move(walked).error());
    return std::move(report_);
  }

 private:
  // Follows one paged listing: `fetch(next)` gets a page, `on_page(names)` handles it. Stops at the last
  // page; fails on more than max_pages pages or a next page named twice (by target or by last=).
  template <class Fetch, class OnPage>
  Result<void> pages(const std::string& what, Fetch fetch, OnPage on_page) {
    std::set<std::string> targets;
    std::set<std::string> lasts;
    std::string next;
    for (std::size_t count = 0;; ++count) {
      if (count == limits_.max_pages) {
        return fail(ErrorCode::FailedPrecondition, what + ": more than " + std::to_string(limits_.max_pages) +
                                                       " pages of " + std::to_string(limits_.page_size) +
                                                       " (CatalogLimits::max_pages)");
      }
      Result<NamePage> page = fetch(next);
      if (!page) return std::unexpected(std::move(page).error());
      if (auto handled = on_page(page->names); !handled) return handled;
      if (page->next.empty()) return {};
      if (!targets.insert(page->next).second) {
        return fail(ErrorCode::FailedPrecondition,
                    what + ": the registry named the same next page twice (a loop)");
      }
      if (auto last = scanner::registry::query_value(page->next, "last");
          last && !lasts.insert(*last).second) {
        return fail(ErrorCode::FailedPrecondition,
                    what + ": the registry sent last=\"" + last->substr(0, 128) + "\" twice (a loop)");
      }
      next = std::move(page->next);
    }
  }

  void count_error(std::string message) {
    ++report_.errors;
    spdlog::info("catalog walk: {}", message);
    if (report_.error_samples.size() < limits_.max_error_samples)
      report_.error_samples.push_back(std::move(message));
  }

  Result<void> repositories(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      if (!scanner::is_valid_repository(name)) {
        count_error("catalog: invalid repository name \"" + name.substr(0, 128) + "\"");
        continue;
      }
      if (!repositories_.insert(name).second) continue;
      if (repositories_.size() > limits_.max_repositories) {
        return fail(ErrorCode::FailedPrecondition, "catalog: more than " +
                                                       std::to_string(limits_.max_repositories) +
                                                       " repositories (CatalogLimits::max_repositories)");
      }
      ++report_.repositories;
      if (auto walked = repository(name); !walked) return walked;
    }
    return {};
  }

  Result<void> repository(const std::string& name) {
    std::set<std::string> tags;
    std::set<std::string> imported;  // digests of this repository recorded so far
    bool listing_failed = false;
    auto walked = pages(
        "tags list " + name,
        [&](std::string_view next) {
          auto page = source_.tags(name, limits_.page_size, next);
          listing_failed = !page;
          return page;
        },
        [&](const std::vector<std::string>& page) -> Result<void> {
          for (const auto& tag : page) {
            if (!scanner::is_valid_tag(tag)) {
              count_error("tags list " + name + ": invalid tag \"" + tag.substr(0, 128) + "\"");
              continue;
            }
            if (!tags.insert(tag).second) continue;
            if (++report_.tags > limits_.max_tags) {
              return fail(ErrorCode::FailedPrecondition, "catalog: more than " +
                                                             std::to_string(limits_.max_tags) +
                                                             " tags (CatalogLimits::max_tags)");
            }
            if (auto done = image(name, tag, imported); !done) return done;
          }
          return {};
        });
    if (!walked && listing_failed && is_skippable_listing(walked.error())) {
      count_error(walked.error().message);
      return {};
    }
    return walked;
  }

  Result<void> image(const std::string& repository, const std::string& tag, std::set<std::string>& imported) {
    auto digest = source_.digest_of(repository, tag);
    if (!digest) {
      if (is_transient(digest.error())) return std::unexpected(std::move(digest).error());
      count_error(digest.error().message);
      return {};
    }
    if (imported.contains(*digest)) return importer_.tag(repository, *digest, tag);
    auto created = importer_.import(repository, *digest, tag);
    if (!created) return std::unexpected(std::move(created).error());
    imported.insert(*digest);
    ++(*created ? report_.images_queued : report_.images_skipped);
    return {};
  }

  CatalogSource& source_;
  CatalogImporter& importer_;
  const CatalogLimits& limits_;
  CatalogReport report_;
  std::set<std::string> repositories_;
};

class RegistrySource final : public CatalogSource {
 public:
  explicit RegistrySource(scanner::registry::RegistryClient client) : client_(std::move(client)) {}
  Result<NamePage> repositories(std::size_t page_size, std::string_view next) override {
    return client_.list_repositories(page_size, next);
  }
  Result<NamePage> tags(std::string_view repository, std::size_t page_size, std::string_view next) override {
    return client_.list_tags(repository, page_size, next);
  }
  Result<std::string> digest_of(std::string_view repository, std::string_view tag) override {
    auto head = client_.resolve_manifest(repository, tag);
    if (!head) return std::unexpected(std::move(head).error());
    return head->digest.str();
  }

 private:
  scanner::registry::RegistryClient client_;
};

class StoreImporter final : public CatalogImporter {
 public:
  // Images scanned since `walk_began` are not queued again: a walk retried after a failure starts over.
  StoreImporter(storage::RescanStore& rescans, std::string registry, int max_attempts, std::string walk_began)
      : rescans_(rescans),
        registry_(std::move(registry)),
        max_attempts_(max_attempts),
        walk_began_(std::move(walk_began)) {}
  Result<bool> import(std::string_view repository, std::string_view digest, std::string_view tag) override {
    auto imported = rescans_.import(key(repository, digest), tag, storage::kImportJobKind,
                                    storage::kImportPriority, max_attempts_, walk_began_);
    if (!imported) return std::unexpected(std::move(imported).error());
    return imported->created;
  }
  Result<void> tag(std::string_view repository, std::string_view digest, std::string_view tag) override {
    return rescans_.record_tag(key(repository, digest), tag);
  }

 private:
  storage::ManifestKey key(std::string_view repository, std::string_view digest) const {
    return {registry_, std::string(repository), std::string(digest)};
  }
  storage::RescanStore& rescans_;
  std::string registry_;
  int max_attempts_;
  std::string walk_began_;
};

}  // namespace

std::string CatalogReport::to_json(std::string_view registry) const {
  return nlohmann::json{
      {"registry", registry},           {"repositories", repositories},     {"tags", tags},
      {"images_queued", images_queued}, {"images_skipped", images_skipped}, {"errors", errors},
      {"error_samples", error_samples}}
      .dump();
}

Result<CatalogReport> walk_catalog(CatalogSource& source, CatalogImporter& importer,
                                   const CatalogLimits& limits) {
  if (limits.page_size == 0) return fail(ErrorCode::InvalidArgument, "catalog: page size must be positive");
  return Walk(source, importer, limits).run();
}

JobHandler make_catalog_handler(const config::Config& config, storage::RescanStore& rescans,
                                CatalogLimits limits, scanner::registry::ClientOptions client) {
  return [&config, &rescans, limits, client](const storage::Job& job) -> Result<std::string> {
    const config::RegistryConfig* registry = config.find_registry(job.registry);
    if (registry == nullptr) {
      return fail(ErrorCode::FailedPrecondition, "registry \"" + job.registry + "\" is no longer configured");
    }
    auto created = scanner::registry::RegistryClient::create(*registry, client);
    if (!created) return std::unexpected(std::move(created).error());
    RegistrySource source(std::move(*created));
    StoreImporter importer(rescans, job.registry, static_cast<int>(config.scanner.max_attempts),
                           job.created_at);
    auto report = walk_catalog(source, importer, limits);
    if (!report) return std::unexpected(std::move(report).error());
    spdlog::info("catalog #{} of {}: {} repositories, {} tags, {} images queued, {} skipped, {} errors",
                 job.id, job.registry, report->repositories, report->tags, report->images_queued,
                 report->images_skipped, report->errors);
    return report->to_json(job.registry);
  };
}

}  // namespace regscand::server::jobs
