#include "scanner/ecosystems/rpm/inventory.hpp"

#include <array>

#include "scanner/ecosystems/rpm/bdb.hpp"
#include "scanner/ecosystems/rpm/ndb.hpp"
#include "scanner/ecosystems/rpm/sqlite.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

constexpr std::array<std::string_view, 2> kDirectories = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};
constexpr std::array<std::string_view, 3> kFiles = {"Packages", "Packages.db", "rpmdb.sqlite"};
constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);
constexpr std::string_view kNdbMagic = "RpmP";

bool bdb_hash_magic(std::string_view file) {
  if (file.size() < 16) return false;
  const std::string_view magic = file.substr(12, 4);
  return magic == std::string_view("\x61\x15\x06\x00", 4) || magic == std::string_view("\x00\x06\x15\x61", 4);
}

Result<std::vector<std::string>> read_blobs(std::string_view file, std::string_view path) {
  switch (format_of(file).value_or(DbFormat::BerkeleyDb)) {
    case DbFormat::Sqlite:
      return read_sqlite_blobs(file, path);
    case DbFormat::Ndb:
      return read_ndb_blobs(file, path);
    case DbFormat::BerkeleyDb:
      return read_bdb_blobs(file, path);
  }
  return fail(ErrorCode::Internal, "rpm: unreachable format");
}

}  // namespace

std::optional<DbFormat> format_of(std::string_view file) {
  if (file.starts_with(kSqliteMagic)) return DbFormat::Sqlite;
  if (file.starts_with(kNdbMagic)) return DbFormat::Ndb;
  if (bdb_hash_magic(file)) return DbFormat::BerkeleyDb;
  return std::nullopt;
}

Result<std::vector<Header>> read_headers(std::string_view file, std::string_view path) {
  if (file.empty()) return std::vector<Header>();
  if (!format_of(file)) {
    return fail(ErrorCode::InvalidArgument,
                "rpm: " + std::string(path) + ": not an rpm database (BerkeleyDB hash, ndb or SQLite)");
  }
  auto blobs = read_blobs(file, path);
  if (!blobs) return std::unexpected(std::move(blobs).error());
  std::vector<Header> out;
  out.reserve(blobs->size());
  for (std::size_t i = 0; i < blobs->size(); ++i) {
    auto header = parse_header((*blobs)[i]);
    if (!header) {
      return fail(ErrorCode::InvalidArgument, "rpm: " + std::string(path) + ": record " + std::to_string(i) +
                                                  ": " + header.error().message);
    }
    out.push_back(std::move(*header));
  }
  return out;
}

Package to_package(const Header& header, std::string_view path) {
  Package p;
  p.ecosystem = "rpm";
  p.name = header.name;
  p.version = evr(header);
  p.arch = header.arch;
  p.path = std::string(path);
  p.module = header.modularity_label;
  if (const auto source = split_source_rpm(header.source_rpm)) {
    p.source_name = source->name;
    p.source_version = (header.epoch ? std::to_string(*header.epoch) + ":" : std::string()) +
                       source->version + "-" + source->release;
  } else {
    p.source_name = p.name;
    p.source_version = p.version;
  }
  return p;
}

Result<std::vector<Package>> parse_rpmdb(std::string_view file, std::string_view path) {
  auto headers = read_headers(file, path);
  if (!headers) return std::unexpected(std::move(headers).error());
  std::vector<Package> out;
  out.reserve(headers->size());
  for (const auto& header : *headers) out.push_back(to_package(header, path));
  return out;
}

bool PackagesScanner::wants(std::string_view path) const {
  for (const auto directory : kDirectories) {
    if (!path.starts_with(directory)) continue;
    const std::string_view file = path.substr(directory.size());
    for (const auto name : kFiles) {
      if (file == name) return true;
    }
  }
  return false;
}

Result<LayerPackages> PackagesScanner::scan(const layers::LayerFiles& files) const {
  LayerPackages out;
  for (const auto& [path, content] : files.all()) {
    if (!wants(path)) continue;
    auto parsed = parse_rpmdb(content, path);
    if (!parsed) return std::unexpected(std::move(parsed).error());
    out.packages.insert(out.packages.end(), parsed->begin(), parsed->end());
  }
  return out;
}

}  // namespace regscand::scanner::ecosystems::rpm
