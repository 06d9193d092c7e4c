#include "scanner/pipeline/image_source.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"
#include "scanner/registry/digester.hpp"
#include "scanner/registry/manifest.hpp"

namespace regscand::scanner::pipeline {
namespace {

constexpr std::uint64_t kMaxManifestBytes = 4 * 1024 * 1024;
constexpr std::size_t kChunk = 64 * 1024;

// Streams `path` into `sink` through `digester`, at most max_bytes.
Result<void> stream_file(const std::filesystem::path& path, registry::ByteSink& sink,
                         registry::Digester& digester, std::uint64_t max_bytes, const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::NotFound, where + ": cannot open " + path.string());
  std::string buffer(kChunk, '\0');
  std::uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    total += n;
    if (total > max_bytes) {
      return fail(ErrorCode::ResourceExhausted,
                  where + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    const std::string_view chunk(buffer.data(), n);
    digester.update(chunk);
    if (auto written = sink.write(chunk); !written) return written;
  }
  if (in.bad()) return fail(ErrorCode::Unavailable, where + ": read error");
  return {};
}

Result<std::string> read_small_file(const std::filesystem::path& path, const std::string& where) {
  registry::StringSink sink(kMaxManifestBytes);
  auto digester = registry::Digester::create("sha256");
  if (!digester) return std::unexpected(digester.error());
  if (auto ok = stream_file(path, sink, *digester, kMaxManifestBytes, where); !ok)
    return std::unexpected(ok.error());
  return std::move(sink).take();
}

}  // namespace

std::filesystem::path OciLayoutSource::blob_path(const Digest& digest) const {
  // Digest::parse admits only "<alg>:<lower hex>": no separators, no "..".
  return dir_ / "blobs" / std::string(digest.algorithm()) / std::string(digest.hex());
}

Result<registry::ManifestHead> OciLayoutSource::manifest(std::string_view reference) {
  const std::string where = describe();
  std::optional<Digest> wanted;
  if (auto digest = Digest::parse(reference)) {
    wanted = std::move(*digest);
  } else {
    auto index_text = read_small_file(dir_ / "index.json", where + ": index.json");
    if (!index_text) return std::unexpected(index_text.error());
    auto index = parse_json(*index_text);
    if (!index || !index->is_object() || !index->contains("manifests") || !(*index)["manifests"].is_array()) {
      return fail(ErrorCode::InvalidArgument, where + ": index.json is not an OCI index");
    }
    const auto& manifests = (*index)["manifests"];
    for (const auto& entry : manifests) {
      if (!entry.is_object() || !entry.contains("digest") || !entry["digest"].is_string()) continue;
      std::string name;
      if (const auto a = entry.find("annotations"); a != entry.end() && a->is_object()) {
        if (const auto n = a->find("org.opencontainers.image.ref.name"); n != a->end() && n->is_string()) {
          name = n->get<std::string>();
        }
      }
      if (reference.empty() ? manifests.size() == 1 : name == reference) {
        auto digest = Digest::parse(entry["digest"].get<std::string>());
        if (!digest)
          return fail(ErrorCode::InvalidArgument, where + ": index.json: " + digest.error().message);
        wanted = std::move(*digest);
        break;
      }
    }
    if (!wanted) {
      return fail(ErrorCode::NotFound,
                  where + ": no manifest " +
                      (reference.empty() ? std::string("(the layout holds several; name a tag)")
                                         : "tagged \"" + std::string(reference) + "\""));
    }
  }
  registry::StringSink sink(kMaxManifestBytes);
  if (auto ok = blob(*wanted, sink, kMaxManifestBytes); !ok) return std::unexpected(ok.error());
  std::string body = std::move(sink).take();
  auto shape = registry::detect_manifest("", body);
  if (!shape)
    return fail(ErrorCode::InvalidArgument,
                where + ": manifest " + wanted->str() + ": " + shape.error().message);
  registry::ManifestHead head{*wanted,     shape->media_type, shape->kind,
                              body.size(), std::move(body),   shape->is_schema1()};
  return head;
}

Result<void> OciLayoutSource::blob(const Digest& digest, registry::ByteSink& sink, std::uint64_t max_bytes) {
  auto digester = registry::Digester::create(digest.algorithm());
  if (!digester) return std::unexpected(digester.error());
  const std::string where = describe() + ": blob " + digest.str();
  if (auto ok = stream_file(blob_path(digest), sink, *digester, max_bytes, where); !ok) return ok;
  const auto got = digester->finish();
  if (got != digest)
    return fail(ErrorCode::FailedPrecondition, where + ": digest mismatch: the file hashes to " + got.str());
  return {};
}

}  // namespace regscand::scanner::pipeline
