// Alpine's secdb JSON (secdb.alpinelinux.org/vX.Y/{main,community}.json: {"distroversion": "v3.10",
// "reponame", "urlprefix", "apkurl", "packages": [{"pkg": {"name", "secfixes": {"1.2.3-r0": ["CVE-…"]}}}]})
// converted into advisories: one per id (source "alpine-secdb"), with one Affected per package listing it,
// under "Alpine:<distroversion>" ("Alpine:v3.10", "Alpine:edge"), named by the package (an origin).
// Every fixed version listed for the id gives an ECOSYSTEM range introduced "0", fixed <version> (Fixed);
// a package that lists an id only under version "0" was never affected (NotAffected, no range).
//
// Ids in an entry. An entry is split on white space and each word kept only when it is an id:
//   CVE      "CVE-YYYY-N…" at the start of the word, anything after the number dropped
//   ("CVE-2017-8073.patch",
//            "CVE-2017-17434-1" -> the CVE), "CVE_YYYY-N…" read as "CVE-", and "CVE" followed by a word
//            "YYYY-N…" joined; "CVE-????-?????" is no id.
//   others   the whole word, trailing ",;" removed, when it is one of GHSA-, XSA-, ALPINE-, OSV-, TALOS-,
//            ZBX- or wnpa-sec- followed by letters, digits, '-', '.' or '_'.
// Everything else ("(BGP)", "XPTI", "(SMB - partially fixed …)") is a note and dropped. When an entry
// holds a CVE, its other ids are aliases of each of its CVEs ("CVE-2017-12122 TALOS-2017-0488" is one
// advisory, not two); an entry without a CVE gives one advisory per id ("XSA-201").
//
// Failure: a document that is not JSON, not an object, over kMaxDocumentBytes, or has no string
// "distroversion" or no "packages" array is an InvalidArgument error. A package entry with a wrong type or
// a missing name/secfixes is rejected ("v3.10/main.json/openssl" + reason) and the rest imported. A
// version whose list is empty, or written as null, "" or {} (as YAML-to-JSON conversions did: heimdal in
// v3.6/main), lists no ids; so does "packages" written that way (v3.3/community, vuln-list's fixtures).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::feeds::alpine {

inline constexpr std::string_view kSecdbSource = "alpine-secdb";
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxDepth = 16;

// One document (one release, one repository); `where` names it in messages ("v3.10/main.json").
[[nodiscard]] Result<ImportResult> parse_secdb(std::string_view text, std::string_view where);

// The ids one secfixes entry names, by the rule above; CVEs first, then the others.
struct EntryIds {
  std::vector<std::string> cves;
  std::vector<std::string> others;
};
EntryIds entry_ids(std::string_view entry);

}  // namespace regscand::scanner::feeds::alpine
