#include "scanner/feeds/load.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

#include "scanner/feeds/alpine/secdb.hpp"
#include "scanner/feeds/debian/tracker.hpp"
#include "scanner/feeds/detect.hpp"
#include "scanner/feeds/osv/importer.hpp"
#include "scanner/registry/digester.hpp"

namespace regscand::scanner::feeds {
namespace {

namespace fs = std::filesystem;

// The largest single JSON document read whole (the Debian tracker's full export is ~70 MB).
constexpr std::uintmax_t kMaxDocumentBytes = std::uintmax_t{256} << 20;

Result<std::string> digest_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::NotFound, path.string() + ": cannot be read");
  auto digester = registry::Digester::create("sha256");
  if (!digester) return std::unexpected(std::move(digester).error());
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    digester->update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return fail(ErrorCode::Unavailable, path.string() + ": read error");
  return digester->finish().str();
}

Result<std::string> read_document(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return fail(ErrorCode::NotFound, path.string() + ": " + ec.message());
  if (size > kMaxDocumentBytes) {
    return fail(ErrorCode::ResourceExhausted,
                path.string() + ": over " + std::to_string(kMaxDocumentBytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    return fail(ErrorCode::Unavailable, path.string() + ": read error");
  }
  return text;
}

}  // namespace

Result<std::string> fingerprint_source(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail(ErrorCode::NotFound, path.string() + ": no such file or directory");
  if (!fs::is_directory(path, ec)) return digest_file(path);
  std::vector<std::pair<std::string, std::string>> files;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto digest = digest_file(it->path());
    if (!digest) return std::unexpected(std::move(digest).error());
    files.emplace_back(fs::relative(it->path(), path).generic_string(), std::move(*digest));
  }
  if (ec) return fail(ErrorCode::Unavailable, path.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  auto digester = registry::Digester::create("sha256");
  if (!digester) return std::unexpected(std::move(digester).error());
  for (const auto& [name, digest] : files) {
    digester->update(name);
    digester->update(std::string_view("\0", 1));
    digester->update(digest);
    digester->update("\n");
  }
  return digester->finish().str();
}

Result<LoadedFeed> load_feed(const fs::path& path) {
  auto fingerprint = fingerprint_source(path);
  if (!fingerprint) return std::unexpected(std::move(fingerprint).error());
  LoadedFeed feed;
  feed.fingerprint = std::move(*fingerprint);
  const std::string where = path.filename().string();
  Result<ImportResult> result =
      fail(ErrorCode::InvalidArgument, path.string() + ": not a feed regscand reads");
  const FeedKind kind = detect_feed(path);
  feed.kind = feed_kind_name(kind);
  std::string document;
  if (kind == FeedKind::DebianTracker || kind == FeedKind::AlpineSecdb || kind == FeedKind::OsvRecord) {
    auto text = read_document(path);
    if (!text) return std::unexpected(std::move(text).error());
    document = std::move(*text);
  }
  switch (kind) {
    case FeedKind::OsvZip:
      result = osv::import_osv_zip(path);
      break;
    case FeedKind::OsvDirectory:
      result = osv::import_osv_directory(path);
      break;
    case FeedKind::OsvRecord: {
      ImportResult one;
      if (auto advisory = osv::parse_osv_record(document, where)) {
        one.advisories.push_back(std::move(*advisory));
      } else {
        one.rejected.push_back({where, advisory.error().message});
      }
      result = std::move(one);
      break;
    }
    case FeedKind::DebianTracker:
      result = debian::parse_tracker(document, where);
      break;
    case FeedKind::AlpineSecdb:
      result = alpine::parse_secdb(document, where);
      break;
    case FeedKind::Unknown:
      break;
  }
  if (!result) return std::unexpected(std::move(result).error());
  feed.result = std::move(*result);
  return feed;
}

}  // namespace regscand::scanner::feeds
