// rpm databases in any of rpm's three formats (BerkeleyDB Packages, ndb Packages.db, rpmdb.sqlite) under
// var/lib/rpm or usr/lib/sysimage/rpm: one Package per installed header (gpg-pubkey included, as rpm -qa
// lists it), version "[epoch:]version-release", source name and version from SOURCERPM (with the package's
// epoch: SOURCERPM carries none; name and version when SOURCERPM is absent or "(none)"). A database that
// cannot be read, or holding one malformed header, is an error naming the file and the record.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"
#include "scanner/ecosystems/rpm/header.hpp"

namespace regscand::scanner::ecosystems::rpm {

enum class DbFormat { BerkeleyDb, Ndb, Sqlite };

// The format `file` is in, by its magic; nullopt for none of rpm's.
std::optional<DbFormat> format_of(std::string_view file);

// Every header of the database in `file` (any format; an empty file holds none). `path` names it in messages.
[[nodiscard]] Result<std::vector<Header>> read_headers(std::string_view file, std::string_view path);

// The packages of the database in `file`, each with Package::path = `path`.
[[nodiscard]] Result<std::vector<Package>> parse_rpmdb(std::string_view file, std::string_view path);

Package to_package(const Header& header, std::string_view path);

class PackagesScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "rpm"; }
  int version() const override { return 2; }
  bool wants(std::string_view path) const override;
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::rpm
