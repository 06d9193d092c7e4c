// Distribution detection against every release file of tests/data (claircore, Trivy and syft fixtures,
// osrelease/), each asserting id, version_id, codename, pretty_name and distroless exactly, with the peer's
// expectation named per case; then distroless from the dpkg layout, and hostile input.
//
// Where the expectations come from:
//   claircore  alpine/*/want and osrelease/*.txtar "-- Distribution --" (checked field by field below);
//              debian/distributionscanner_test.go (VersionID = directory name, Version "N (codename)", also
//              for distroless); ubuntu/distributionscanner_test.go (version and codename from os-release,
//              else lsb-release; a Debian os-release is not Ubuntu); rhel/distributionscanner_test.go
//              (Version = major of the directory name; oracle-* must not be RHEL).
//   Trivy      pkg/fanal/analyzer/os/{release,redhatbase,debian,ubuntu}/*_test.go: OS{Family, Name}; Name is
//              our version_id, Family maps to the os-release ID (redhat -> rhel, alma -> almalinux,
//              oracle -> ol, opensuse.leap -> opensuse-leap or opensuse). Trivy defines no pretty name or
//              codename: those follow os-release (or the whole release line, as syft).
//   syft       syft/linux/identify_release_test.go (IdentifyRelease, parseOsRelease, parseRedhatRelease,
//              parseSystemReleaseCPE) and supplement_release.go (debian_version point release).
// Deliberate differences (each case says so):
//   * an os-release without ID gives nothing (Trivy); syft returns a Release with only NAME/ID_LIKE.
//   * ID=unknown and a missing VERSION_ID still give the os-release values; Trivy's release analyzer
//     returns nil for families it has no advisories for.
//   * Debian's codename falls back to VERSION's "(word)" (claircore's Debian scanner), so syft's debian-8
//     fixtures gain "jessie" and claircore's generic DistrolessCorrupt.txtar gains "bookworm".
//   * pretty_name is PRETTY_NAME (os-release(5), syft); claircore's generic scanner replaces it with
//     REDHAT_BUGZILLA_PRODUCT (Silverblue, Toolbox, Ubi8).
//   * claircore reduces versions (Alpine "3.10" from "Alpine Linux v3.10", RHEL "8"); version_id keeps
//     VERSION_ID and the tests check that claircore's version is its prefix.
#include "scanner/ecosystems/osrelease/detector.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_data.hpp"

namespace regscand::scanner::ecosystems::osrelease {
namespace {

namespace fs = std::filesystem;

fs::path data() {
  return testing::test_data() / "osrelease";
}

struct Want {
  std::string id;
  std::string version_id;
  std::string codename;
  std::string pretty_name;
  bool distroless = false;
};

struct Case {
  std::string fixture;       // under osrelease/: a directory read as a root tree, a .txtar, or one file
  std::string as;            // for one file: the path the peer's test gives it ("" for trees and .txtar)
  std::optional<Want> want;  // nullopt: no distribution
  std::string source;        // the peer's expectation, and any deliberate difference
};

// The named section of a txtar archive ("-- os-release --").
std::string txtar_section(const std::string& archive, const std::string& name) {
  const std::string header = "-- " + name + " --\n";
  const auto at = archive.find(header);
  if (at == std::string::npos) return {};
  const auto begin = at + header.size();
  const auto end = archive.find("\n-- ", begin);
  return archive.substr(begin, end == std::string::npos ? std::string::npos : end + 1 - begin);
}

// The files of a case, and the tests/data files it used (relative to osrelease/).
layers::LayerFiles files_of(const Case& c, std::set<std::string>& used) {
  layers::LayerFiles files;
  const fs::path root = data() / c.fixture;
  if (!c.as.empty()) {
    files.add(c.as, testing::read_file(root));
    used.insert(c.fixture);
  } else if (root.extension() == ".txtar") {
    files.add("etc/os-release", txtar_section(testing::read_file(root), "os-release"));
    used.insert(c.fixture);
  } else {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      files.add(fs::relative(e.path(), root).generic_string(), testing::read_file(e.path()));
      used.insert(fs::relative(e.path(), data()).generic_string());
    }
  }
  return files;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      // claircore alpine/testdata/*/ (want: did, pretty_name; version = VERSION_ID's major.minor or "edge")
      {"claircore/alpine/3.3", "", Want{"alpine", "3.3.3", "", "Alpine Linux v3.3"}, "claircore want"},
      {"claircore/alpine/3.4", "", Want{"alpine", "3.4.6", "", "Alpine Linux v3.4"}, "claircore want"},
      {"claircore/alpine/3.5", "", Want{"alpine", "3.5.3", "", "Alpine Linux v3.5"}, "claircore want"},
      {"claircore/alpine/3.6", "", Want{"alpine", "3.6.5", "", "Alpine Linux v3.6"}, "claircore want"},
      {"claircore/alpine/3.7", "", Want{"alpine", "3.7.3", "", "Alpine Linux v3.7"}, "claircore want"},
      {"claircore/alpine/3.8", "", Want{"alpine", "3.8.5", "", "Alpine Linux v3.8"}, "claircore want"},
      {"claircore/alpine/3.9", "", Want{"alpine", "3.9.6", "", "Alpine Linux v3.9"}, "claircore want"},
      {"claircore/alpine/3.10", "", Want{"alpine", "3.10.9", "", "Alpine Linux v3.10"}, "claircore want"},
      {"claircore/alpine/3.11", "", Want{"alpine", "3.11.13", "", "Alpine Linux v3.11"}, "claircore want"},
      {"claircore/alpine/3.12", "", Want{"alpine", "3.12.9", "", "Alpine Linux v3.12"}, "claircore want"},
      {"claircore/alpine/3.13", "", Want{"alpine", "3.13.7", "", "Alpine Linux v3.13"}, "claircore want"},
      {"claircore/alpine/3.14", "", Want{"alpine", "3.14.3", "", "Alpine Linux v3.14"}, "claircore want"},
      {"claircore/alpine/3.15", "", Want{"alpine", "3.15.0", "", "Alpine Linux v3.15"}, "claircore want"},
      {"claircore/alpine/3.16", "", Want{"alpine", "3.16.0", "", "Alpine Linux v3.16"}, "claircore want"},
      {"claircore/alpine/3.17", "", Want{"alpine", "3.17.5", "", "Alpine Linux v3.17"}, "claircore want"},
      {"claircore/alpine/3.18", "", Want{"alpine", "3.18.4", "", "Alpine Linux v3.18"}, "claircore want"},
      {"claircore/alpine/edge", "", Want{"alpine", "3.19_alpha20230901", "", "Alpine Linux edge"},
       "claircore want (version \"edge\")"},
      // claircore debian/testdata/{dist,distroless_dist}/N: VersionID N, Version "N (codename)"
      {"claircore/debian/dist/7", "", Want{"debian", "7", "wheezy", "Debian GNU/Linux 7 (wheezy)"},
       "claircore debian: codename from VERSION"},
      {"claircore/debian/dist/8", "", Want{"debian", "8", "jessie", "Debian GNU/Linux 8 (jessie)"},
       "claircore debian: codename from VERSION"},
      {"claircore/debian/dist/9", "", Want{"debian", "9", "stretch", "Debian GNU/Linux 9 (stretch)"},
       "claircore debian"},
      {"claircore/debian/dist/10", "", Want{"debian", "10", "buster", "Debian GNU/Linux 10 (buster)"},
       "claircore debian"},
      {"claircore/debian/dist/11", "", Want{"debian", "11", "bullseye", "Debian GNU/Linux 11 (bullseye)"},
       "claircore debian"},
      {"claircore/debian/dist/12", "", Want{"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"},
       "claircore debian"},
      {"claircore/debian/distroless_dist/9", "", Want{"debian", "9", "stretch", "Distroless", true},
       "claircore debian distroless: codename from VERSION"},
      {"claircore/debian/distroless_dist/10", "", Want{"debian", "10", "buster", "Distroless", true},
       "claircore debian distroless: codename from VERSION"},
      {"claircore/debian/distroless_dist/11", "", Want{"debian", "11", "bullseye", "Distroless", true},
       "claircore debian distroless: codename from VERSION"},
      // claircore osrelease/testdata/*.txtar, "-- Distribution --"
      {"claircore/osrelease/Alpine.txtar", "", Want{"alpine", "3.10.2", "", "Alpine Linux v3.10"},
       "claircore txtar"},
      {"claircore/osrelease/Bionic.txtar", "", Want{"ubuntu", "18.04", "bionic", "Ubuntu 18.04.3 LTS"},
       "claircore txtar"},
      {"claircore/osrelease/Buster.txtar", "", Want{"debian", "10", "buster", "Debian GNU/Linux 10 (buster)"},
       "claircore txtar"},
      {"claircore/osrelease/DistrolessCorrupt.txtar", "",
       Want{"debian", "12", "bookworm", "Distroless", true},
       "claircore txtar; differs: codename \"bookworm\" from VERSION (claircore's debian scanner rule)"},
      {"claircore/osrelease/DistrolessValid.txtar", "",
       Want{"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)"}, "claircore txtar"},
      {"claircore/osrelease/EmptyKey.txtar", "", Want{"fedora", "30", "", "Fedora 30 (Container Image)"},
       "claircore txtar"},
      {"claircore/osrelease/OpenSUSe.txtar", "", Want{"opensuse-leap", "15.1", "", "openSUSE Leap 15.1"},
       "claircore txtar"},
      {"claircore/osrelease/Silverblue.txtar", "",
       Want{"fedora", "30", "", "Fedora 30.20191008.1 (Workstation Edition)"},
       "claircore txtar; differs: pretty_name is PRETTY_NAME, not REDHAT_BUGZILLA_PRODUCT \"Fedora\""},
      {"claircore/osrelease/Toolbox.txtar", "", Want{"fedora", "30", "", "Fedora 30 (Container Image)"},
       "claircore txtar; differs: pretty_name is PRETTY_NAME, not REDHAT_BUGZILLA_PRODUCT \"Fedora\""},
      {"claircore/osrelease/Ubi8.txtar", "", Want{"rhel", "8.0", "", "Red Hat Enterprise Linux 8.0 (Ootpa)"},
       "claircore txtar; differs: pretty_name is PRETTY_NAME, not REDHAT_BUGZILLA_PRODUCT"},
      {"claircore/osrelease/Vyos.txtar", "",
       Want{"vyos", "1.4-rolling-202307070317", "bookworm", "VyOS 1.4-rolling-202307070317 (current)"},
       "claircore txtar (indented lines)"},
      // claircore rhel/testdata/releasefiles/*: Version = major; oracle-* is not RHEL
      {"claircore/rhel/releasefiles/7", "",
       Want{"rhel", "7.7", "", "Red Hat Enterprise Linux Server 7.7 (Maipo)"},
       "claircore rhel: 7 (os-release wins over redhat-release 7.4; same major)"},
      {"claircore/rhel/releasefiles/8", "", Want{"rhel", "8.1", "", "Red Hat Enterprise Linux 8.1 (Ootpa)"},
       "claircore rhel: 8"},
      {"claircore/rhel/releasefiles/9", "", Want{"rhel", "9.0", "", "Red Hat Enterprise Linux 9.0 (Plow)"},
       "claircore rhel: 9"},
      {"claircore/rhel/releasefiles/atomichost-7", "",
       Want{"rhel", "7.9", "", "Red Hat Enterprise Linux Atomic Host 7.9"}, "claircore rhel: 7"},
      {"claircore/rhel/releasefiles/hummingbird", "",
       Want{"hummingbird", "20251124", "", "Hummingbird OS 20251124"},
       "claircore fixture without a stored expectation: os-release as written"},
      {"claircore/rhel/releasefiles/oracle-6", "", Want{"ol", "6.10", "", "Oracle Linux Server release 6.10"},
       "claircore rhel: not RHEL (oracle-release wins over redhat-release)"},
      {"claircore/rhel/releasefiles/oracle-7", "", Want{"ol", "7.9", "", "Oracle Linux Server release 7.9"},
       "claircore rhel: not RHEL"},
      {"claircore/rhel/releasefiles/oracle-8", "", Want{"ol", "8.9", "", "Oracle Linux Server release 8.9"},
       "claircore rhel: not RHEL"},
      {"claircore/rhel/releasefiles/oracle-9", "", Want{"ol", "9.3", "", "Oracle Linux Server release 9.3"},
       "claircore rhel: not RHEL"},
      // claircore ubuntu/testdata/dist/*: version and codename from os-release, else lsb-release
      {"claircore/ubuntu/dist/10.04", "", Want{"ubuntu", "10.04", "lucid", "Ubuntu 10.04 LTS"},
       "claircore ubuntu: lsb-release only"},
      {"claircore/ubuntu/dist/11", "", Want{"debian", "11", "bullseye", "Debian GNU/Linux 11 (bullseye)"},
       "claircore ubuntu: not Ubuntu"},
      {"claircore/ubuntu/dist/12.04", "", Want{"ubuntu", "12.04", "precise", "Ubuntu precise (12.04.5 LTS)"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/12.10", "", Want{"ubuntu", "12.10", "quantal", "Ubuntu quantal (12.10)"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/13.04", "", Want{"ubuntu", "13.04", "raring", "Ubuntu 13.04"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/13.10", "", Want{"ubuntu", "13.10", "saucy", "Ubuntu 13.10"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/14.04", "", Want{"ubuntu", "14.04", "trusty", "Ubuntu 14.04.6 LTS"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/14.10", "", Want{"ubuntu", "14.10", "utopic", "Ubuntu 14.10"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/15.04", "", Want{"ubuntu", "15.04", "vivid", "Ubuntu 15.04"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/15.10", "", Want{"ubuntu", "15.10", "wily", "Ubuntu 15.10"},
       "claircore ubuntu: codename from lsb-release"},
      {"claircore/ubuntu/dist/16.04", "", Want{"ubuntu", "16.04", "xenial", "Ubuntu 16.04.7 LTS"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/16.10", "", Want{"ubuntu", "16.10", "yakkety", "Ubuntu 16.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/17.04", "", Want{"ubuntu", "17.04", "zesty", "Ubuntu 17.04"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/17.10", "", Want{"ubuntu", "17.10", "artful", "Ubuntu 17.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/18.04", "", Want{"ubuntu", "18.04", "bionic", "Ubuntu 18.04.6 LTS"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/18.10", "", Want{"ubuntu", "18.10", "cosmic", "Ubuntu 18.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/19.04", "", Want{"ubuntu", "19.04", "disco", "Ubuntu 19.04"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/19.10", "", Want{"ubuntu", "19.10", "eoan", "Ubuntu 19.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/20.04", "", Want{"ubuntu", "20.04", "focal", "Ubuntu 20.04.4 LTS"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/20.10", "", Want{"ubuntu", "20.10", "groovy", "Ubuntu 20.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/21.04", "", Want{"ubuntu", "21.04", "hirsute", "Ubuntu 21.04"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/21.10", "", Want{"ubuntu", "21.10", "impish", "Ubuntu 21.10"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/22.04", "", Want{"ubuntu", "22.04", "jammy", "Ubuntu 22.04 LTS"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/22.10", "",
       Want{"ubuntu", "22.10", "kinetic", "Ubuntu Kinetic Kudu (development branch)"}, "claircore ubuntu"},
      {"claircore/ubuntu/dist/23.04", "", Want{"ubuntu", "23.04", "lunar", "Ubuntu 23.04"},
       "claircore ubuntu"},
      {"claircore/ubuntu/dist/23.10", "",
       Want{"ubuntu", "23.10", "mantic", "Ubuntu Mantic Minotaur (development branch)"}, "claircore ubuntu"},

      // syft syft/linux/testdata/os/* (TestIdentifyRelease)
      {"syft/os/almalinux/from-os-release", "",
       Want{"almalinux", "8.4", "", "AlmaLinux 8.4 (Electric Cheetah)"}, "syft IdentifyRelease"},
      {"syft/os/almalinux/from-redhat-release", "",
       Want{"almalinux", "8.10", "", "AlmaLinux release 8.10 (Cerulean Leopard)"},
       "syft parseRedhatRelease (PrettyName = the line; id as os-release's)"},
      {"syft/os/alpine", "", Want{"alpine", "3.11.6", "", "Alpine Linux v3.11"}, "syft IdentifyRelease"},
      {"syft/os/amazon", "", Want{"amzn", "2", "", "Amazon Linux 2"}, "syft IdentifyRelease"},
      {"syft/os/arch", "", Want{"arch", "", "", "Arch Linux"}, "syft IdentifyRelease (no VERSION_ID)"},
      {"syft/os/busybox", "", Want{"busybox", "1.31.1", "", "BusyBox v1.31.1"}, "syft parseBusyBox"},
      {"syft/os/centos", "", Want{"centos", "8", "", "CentOS Linux 8 (Core)"},
       "syft IdentifyRelease (usr/lib/os-release)"},
      {"syft/os/centos5", "", Want{"centos", "5.7", "", "CentOS release 5.7 (Final)"},
       "syft parseRedhatRelease (PrettyName = the whole line since the named-group rewrite)"},
      {"syft/os/centos6", "", Want{"centos", "6", "", "centos"}, "syft parseSystemReleaseCPE"},
      {"syft/os/custom", "", Want{"scientific", "8", "", "CentOS Linux 8 (Core)"}, "syft IdentifyRelease"},
      {"syft/os/debian/from-debian_version", "", Want{"debian", "10.8", "", "Distroless", true},
       "syft supplementDebianVersion: VERSION_ID from debian_version"},
      {"syft/os/debian/from-os-release", "", Want{"debian", "8", "jessie", "Debian GNU/Linux 8 (jessie)"},
       "syft IdentifyRelease; differs: codename from VERSION (claircore)"},
      {"syft/os/debian/with-point-release", "",
       Want{"debian", "13.5", "trixie", "Debian GNU/Linux 13 (trixie)"},
       "syft supplementDebianVersion: point release replaces VERSION_ID 13"},
      {"syft/os/empty", "", std::nullopt, "syft: nil"},
      {"syft/os/fedora", "", Want{"fedora", "36", "", "Fedora Linux 36 (Container Image)"},
       "syft IdentifyRelease"},
      {"syft/os/mariner", "", Want{"mariner", "1.0", "", "CBL-Mariner/Linux"}, "syft IdentifyRelease"},
      {"syft/os/opensuse-leap", "", Want{"opensuse-leap", "15.2", "", "openSUSE Leap 15.2"},
       "syft IdentifyRelease"},
      {"syft/os/oraclelinux", "", Want{"ol", "8.3", "", "Oracle Linux Server 8.3"}, "syft IdentifyRelease"},
      {"syft/os/photon", "", Want{"photon", "2.0", "", "VMware Photon OS/Linux"}, "syft IdentifyRelease"},
      {"syft/os/redhat/from-os-release", "",
       Want{"rhel", "7.3", "", "Red Hat Enterprise Linux Server 7.3 (Maipo)"}, "syft IdentifyRelease"},
      {"syft/os/redhat/from-redhat-release", "",
       Want{"rhel", "8.10", "", "Red Hat Enterprise Linux release 8.10 (Ootpa)"}, "syft parseRedhatRelease"},
      {"syft/os/rockylinux/from-os-release", "", Want{"rocky", "8.4", "", "Rocky Linux 8.4 (Green Obsidian)"},
       "syft IdentifyRelease"},
      {"syft/os/rockylinux/from-redhat-release", "",
       Want{"rocky", "8.10", "", "Rocky Linux release 8.10 (Green Obsidian)"}, "syft parseRedhatRelease"},
      {"syft/os/scientific/from-os-release", "",
       Want{"scientific", "7.5", "", "Scientific Linux 7.5 (Nitrogen)"}, "syft IdentifyRelease"},
      {"syft/os/scientific/from-redhat-release", "",
       Want{"scientific", "7.9", "", "Scientific Linux release 7.9 (Nitrogen)"}, "syft parseRedhatRelease"},
      {"syft/os/sles", "", Want{"sles", "15.2", "", "SUSE Linux Enterprise Server 15 SP2"},
       "syft IdentifyRelease"},
      {"syft/os/ubuntu", "", Want{"ubuntu", "20.04", "focal", "Ubuntu 20.04 LTS"}, "syft IdentifyRelease"},
      {"syft/os/wolfi", "", Want{"wolfi", "20220914", "", "Wolfi"}, "syft IdentifyRelease"},
      {"syft/partial-fields/missing-id", "", std::nullopt,
       "differs: syft returns {Name, IDLike debian, VersionID 8} without ID; no ID is no distribution "
       "(Trivy)"},
      {"syft/partial-fields/missing-version", "", std::nullopt,
       "differs: syft returns {Name, IDLike} without ID"},
      {"syft/partial-fields/unknown-id", "", Want{"my-awesome-distro", "8", "", ""}, "syft IdentifyRelease"},
      // syft syft/linux/testdata/* (TestParseOsRelease, TestParseRedhatRelease, TestParseSystemReleaseCPE)
      {"syft/centos-8", "etc/os-release", Want{"centos", "8", "", "CentOS Linux 8 (Core)"},
       "syft parseOsRelease"},
      {"syft/debian-8", "etc/os-release", Want{"debian", "8", "jessie", "Debian GNU/Linux 8 (jessie)"},
       "syft parseOsRelease; differs: codename from VERSION (claircore)"},
      {"syft/rhel-8", "etc/os-release", Want{"rhel", "8.1", "", "Red Hat Enterprise Linux 8.1 (Ootpa)"},
       "syft parseOsRelease"},
      {"syft/ubuntu-20.04", "etc/os-release", Want{"ubuntu", "20.04", "focal", "Ubuntu 20.04 LTS"},
       "syft parseOsRelease"},
      {"syft/unprintable", "etc/os-release", Want{"debian", "8", "jessie", "Debian GNU/Linux 8 (jessie)"},
       "syft parseOsRelease (CRLF); differs: codename from VERSION (claircore)"},
      {"syft/bad-redhat-release", "etc/redhat-release", std::nullopt,
       "syft parseRedhatRelease: nil (\"release 5\" has no minor)"},
      {"syft/bad-system-release-cpe", "etc/system-release-cpe", std::nullopt,
       "syft parseSystemReleaseCPE: nil"},

      // Trivy pkg/fanal/analyzer/os/debian (etc/debian_version)
      {"trivy/debian/debian_9", "", Want{"debian", "9.8", "", "Debian GNU/Linux 9.8"}, "Trivy debian: 9.8"},
      {"trivy/debian/debian_sid", "", Want{"debian", "buster/sid", "", "Debian GNU/Linux buster/sid"},
       "Trivy debian: buster/sid"},
      {"trivy/debian/empty", "etc/debian_version", std::nullopt, "Trivy debian: error"},
      // Trivy pkg/fanal/analyzer/os/redhatbase (etc/<vendor>-release)
      {"trivy/redhatbase/alma/almalinux-release", "etc/almalinux-release",
       Want{"almalinux", "8.4", "", "AlmaLinux release 8.4 (Electric Cheetah)"}, "Trivy alma 8.4"},
      {"trivy/redhatbase/centos/centos-release", "etc/centos-release",
       Want{"centos", "7.6.1810", "", "CentOS Linux release 7.6.1810 (Core)"}, "Trivy centos 7.6.1810"},
      {"trivy/redhatbase/fedora_29/fedora-release", "etc/fedora-release",
       Want{"fedora", "29", "", "Fedora release 29 (Twenty Nine)"}, "Trivy fedora 29"},
      {"trivy/redhatbase/not_redhatbase/empty", "etc/redhat-release", std::nullopt,
       "Trivy redhatbase: error"},
      {"trivy/redhatbase/oracle_7/oracle-release", "etc/oracle-release",
       Want{"ol", "7.6", "", "Oracle Linux Server release 7.6"}, "Trivy oracle 7.6"},
      {"trivy/redhatbase/redhat_6/redhat-release", "etc/redhat-release",
       Want{"rhel", "6.2", "", "Red Hat Linux release 6.2 (Zoot)"}, "Trivy redhat 6.2"},
      {"trivy/redhatbase/rocky/rocky-release", "etc/rocky-release",
       Want{"rocky", "8.4", "", "Rocky Linux release 8.4 (Green Obsidian)"}, "Trivy rocky 8.4"},
      // Trivy pkg/fanal/analyzer/os/release (given as etc/os-release)
      {"trivy/release/activestate", "etc/os-release", Want{"activestate", "1.0", "", ""},
       "Trivy release: 1.0"},
      {"trivy/release/alma", "etc/os-release", Want{"almalinux", "9.4", "", "AlmaLinux 9.4 (Seafoam Ocelot)"},
       "Trivy release: alma 9.4"},
      {"trivy/release/alpine", "etc/os-release", Want{"alpine", "3.15.4", "", "Alpine Linux v3.15"},
       "Trivy release: alpine 3.15.4"},
      {"trivy/release/azurelinux-3.0", "etc/os-release",
       Want{"azurelinux", "3.0", "", "Microsoft Azure Linux 3.0"}, "Trivy release: azurelinux 3.0"},
      {"trivy/release/bottlerocket", "etc/os-release",
       Want{"bottlerocket", "1.34.0", "", "Bottlerocket OS 1.34.0 (aws-ecs-2)"},
       "Trivy release: bottlerocket 1.34.0"},
      {"trivy/release/centos", "etc/os-release", Want{"centos", "7", "", "CentOS Linux 7 (Core)"},
       "Trivy release: centos 7"},
      {"trivy/release/centos-stream", "etc/os-release", Want{"centos", "8", "", "CentOS Stream 8"},
       "Trivy release: centos 8"},
      {"trivy/release/coreos", "etc/os-release", Want{"coreos", "3.15.4", "", ""},
       "Trivy release: coreos 3.15.4"},
      {"trivy/release/echo", "etc/os-release", Want{"echo", "1", "", ""}, "Trivy release: echo 1"},
      {"trivy/release/fedora", "etc/os-release",
       Want{"fedora", "42", "", "Fedora Linux 42 (Container Image)"}, "Trivy release: fedora 42"},
      {"trivy/release/mariner-1.0", "etc/os-release", Want{"mariner", "1.0", "", "CBL-Mariner/Linux"},
       "Trivy release: mariner 1.0"},
      {"trivy/release/mariner-2.0", "etc/os-release", Want{"mariner", "2.0", "", "CBL-Mariner/Linux"},
       "Trivy release: mariner 2.0"},
      {"trivy/release/minimos", "etc/os-release", Want{"minimos", "20241031", "", "MinimOS"},
       "Trivy release: minimos 20241031"},
      {"trivy/release/no-id", "etc/os-release", std::nullopt, "Trivy release: nil"},
      {"trivy/release/no-version", "etc/os-release", Want{"alpine", "", "", "Alpine Linux v3.15"},
       "differs: Trivy returns nil without VERSION_ID; the ID alone still names the distribution"},
      {"trivy/release/opensuseleap-15.2.1", "etc/os-release",
       Want{"opensuse-leap", "15.2.1", "", "openSUSE Leap 15.2.1 Beta"},
       "Trivy release: opensuse.leap 15.2.1"},
      {"trivy/release/opensuseleap-42.3", "etc/os-release",
       Want{"opensuse", "42.3", "", "openSUSE Leap 42.3"},
       "Trivy release: opensuse.leap 42.3 (ID=opensuse kept as written)"},
      {"trivy/release/opensusetumbleweed", "etc/os-release",
       Want{"opensuse-tumbleweed", "20220412", "", "openSUSE Tumbleweed"},
       "Trivy release: opensuse.tumbleweed 20220412"},
      {"trivy/release/oracle", "etc/os-release", Want{"ol", "8.10", "", "Oracle Linux Server 8.10"},
       "Trivy release: oracle 8.10"},
      {"trivy/release/photon", "etc/os-release", Want{"photon", "4.0", "", "VMware Photon OS/Linux"},
       "Trivy release: photon 4.0"},
      {"trivy/release/rhel", "etc/os-release", Want{"rhel", "9.4", "", "Red Hat Enterprise Linux 9.4 (Plow)"},
       "Trivy release: redhat 9.4"},
      {"trivy/release/rocky", "etc/os-release", Want{"rocky", "9.3", "", "Rocky Linux 9.3 (Blue Onyx)"},
       "Trivy release: rocky 9.3"},
      {"trivy/release/slemicro", "etc/os-release",
       Want{"sle-micro", "5.3", "", "SUSE Linux Enterprise Micro 5.3"}, "Trivy release: slem 5.3"},
      {"trivy/release/slemicro-rancher", "etc/os-release",
       Want{"sle-micro-rancher", "5.4", "", "SUSE Linux Enterprise Micro for Rancher 5.4"},
       "Trivy release: slem 5.4"},
      {"trivy/release/slemicro6.0", "etc/os-release", Want{"sl-micro", "6.0", "", "SUSE Linux Micro 6.0"},
       "Trivy release: slem 6.0"},
      {"trivy/release/sles", "etc/os-release",
       Want{"sles", "15.3", "", "SUSE Linux Enterprise Server 15 SP3"}, "Trivy release: sles 15.3"},
      {"trivy/release/unknown", "etc/os-release", Want{"unknown", "4.3.2", "", ""},
       "differs: Trivy returns nil for a family it does not know; the os-release values stand"},
      // Trivy pkg/fanal/analyzer/os/ubuntu (etc/lsb-release)
      {"trivy/ubuntu/lsb-release", "etc/lsb-release", Want{"ubuntu", "18.04", "bionic", "Ubuntu 18.04.2 LTS"},
       "Trivy ubuntu 18.04"},
      {"trivy/ubuntu/invalid", "etc/lsb-release", std::nullopt, "Trivy ubuntu: nil"},
  };
  return kCases;
}

// Shared files that are not release files: Trivy's Ubuntu Pro (ESM) status, read by its ESM analyzer.
const std::set<std::string> kNotReleaseFiles = {"trivy/ubuntu/esm_disabled_status.json",
                                                "trivy/ubuntu/esm_enabled_status.json"};

std::string describe(const std::optional<Distribution>& d) {
  if (!d) return "nothing";
  return "{" + d->id + ", " + d->version_id + ", " + d->version_codename + ", " + d->pretty_name +
         (d->distroless ? ", distroless}" : "}");
}

TEST(OsRelease, EverySharedFixtureGivesThePeersAnswer) {
  std::set<std::string> used;
  int agreed = 0;
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.fixture + " (" + c.source + ")");
    const auto files = files_of(c, used);
    ASSERT_FALSE(files.empty()) << "fixture missing";
    const auto got = detect(files);
    if (!c.want) {
      EXPECT_FALSE(got) << describe(got);
      agreed += got ? 0 : 1;
      continue;
    }
    ASSERT_TRUE(got) << "nothing detected";
    const Distribution want{c.want->id, c.want->version_id, c.want->codename, c.want->pretty_name,
                            c.want->distroless};
    EXPECT_EQ(got->id, want.id);
    EXPECT_EQ(got->version_id, want.version_id);
    EXPECT_EQ(got->version_codename, want.version_codename);
    EXPECT_EQ(got->pretty_name, want.pretty_name);
    EXPECT_EQ(got->distroless, want.distroless);
    agreed += *got == want ? 1 : 0;
  }
  EXPECT_EQ(agreed, static_cast<int>(cases().size()));

  std::set<std::string> unused;
  for (const auto& e : fs::recursive_directory_iterator(data())) {
    const auto rel = fs::relative(e.path(), data()).generic_string();
    if (e.is_regular_file() && !used.contains(rel)) unused.insert(rel);
  }
  EXPECT_EQ(unused, kNotReleaseFiles) << "every release file is a case";
}

// The value of "key" in a small flat JSON object.
std::string json_value(const std::string& json, const std::string& key) {
  const std::regex re("\"" + key + "\":\\s*\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(json, m, re) ? m[1].str() : std::string();
}

TEST(OsRelease, ClaircoreWantFilesAgreeWithTheTable) {
  for (const auto& c : cases()) {
    if (!c.fixture.starts_with("claircore/alpine/")) continue;
    SCOPED_TRACE(c.fixture);
    const auto want = testing::read_file(data() / c.fixture / "want");
    EXPECT_EQ(json_value(want, "did"), c.want->id);
    EXPECT_EQ(json_value(want, "pretty_name"), c.want->pretty_name);
    const auto version = json_value(want, "version");  // claircore's reduced version
    if (version == "edge") {
      EXPECT_TRUE(c.want->pretty_name.ends_with(" edge"));
    } else {
      EXPECT_TRUE(c.want->version_id.starts_with(version + ".")) << version;
    }
  }
  for (const auto& c : cases()) {
    if (!c.fixture.ends_with(".txtar")) continue;
    SCOPED_TRACE(c.fixture);
    const auto dist = txtar_section(testing::read_file(data() / c.fixture), "Distribution");
    EXPECT_EQ(json_value(dist, "did"), c.want->id);
    EXPECT_EQ(json_value(dist, "version_id"), c.want->version_id);
    const bool differs = c.source.find("differs") != std::string::npos;
    if (differs) continue;
    EXPECT_EQ(json_value(dist, "version_code_name"), c.want->codename);
    EXPECT_EQ(json_value(dist, "pretty_name"), c.want->pretty_name);
  }
  for (const auto& c : cases()) {
    if (!c.fixture.starts_with("claircore/rhel/releasefiles/") || c.want->id != "rhel") continue;
    std::string major = fs::path(c.fixture).filename().string();
    if (major.starts_with("atomichost-")) major = major.substr(major.find('-') + 1);
    EXPECT_TRUE(c.want->version_id.starts_with(major + ".")) << c.fixture;
  }
}

layers::LayerFiles with(std::initializer_list<std::pair<std::string, std::string>> entries) {
  layers::LayerFiles files;
  for (const auto& [path, content] : entries) files.add(path, content);
  return files;
}

const std::string kBookworm =
    "PRETTY_NAME=\"Debian GNU/Linux 12 "
    "(bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";

TEST(OsRelease, DistrolessFromTheDpkgLayout) {
  const auto distroless = detect(with({{"etc/os-release", kBookworm},
                                       {"var/lib/dpkg/status.d/base-files", ""},
                                       {"var/lib/dpkg/status.d/libc6", ""}}));
  ASSERT_TRUE(distroless);
  EXPECT_TRUE(distroless->distroless) << "status.d without status";
  const auto full = detect(with({{"etc/os-release", kBookworm},
                                 {"var/lib/dpkg/status", ""},
                                 {"var/lib/dpkg/status.d/base-files", ""}}));
  ASSERT_TRUE(full);
  EXPECT_FALSE(full->distroless) << "a dpkg status database means a package manager";
  const auto plain = detect(with({{"etc/os-release", kBookworm}, {"var/lib/dpkg/status", ""}}));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->distroless);
  const auto google =
      detect(with({{"etc/os-release", "PRETTY_NAME=\"Distroless\"\nID=debian\nVERSION_ID=12\n"},
                   {"etc/debian_version", "12.5\n"}}));
  ASSERT_TRUE(google);
  EXPECT_TRUE(google->distroless);
  EXPECT_EQ(google->version_id, "12.5");
  EXPECT_FALSE(detect(with({{"var/lib/dpkg/status.d/base-files", ""}})))
      << "no release file, no distribution";
}

TEST(OsRelease, PrecedenceOsReleaseFirst) {
  const auto d = detect(with({{"usr/lib/os-release", "ID=fedora\nVERSION_ID=39\n"},
                              {"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                              {"etc/alpine-release", "3.18.0\n"},
                              {"etc/redhat-release", "Fedora release 39 (Thirty Nine)\n"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, "alpine");
  EXPECT_EQ(d->version_id, "3.19.1");
  const auto fallback =
      detect(with({{"etc/os-release", "NAME=broken\n"}, {"usr/lib/os-release", "ID=fedora\n"}}));
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->id, "fedora");
  const auto filled = detect(with({{"etc/os-release", "ID=alpine\n"}, {"etc/alpine-release", "3.20.3\n"}}));
  ASSERT_TRUE(filled);
  EXPECT_EQ(filled->version_id, "3.20.3");
  const auto not_point =
      detect(with({{"etc/os-release", kBookworm}, {"etc/debian_version", "trixie/sid\n"}}));
  ASSERT_TRUE(not_point);
  EXPECT_EQ(not_point->version_id, "12") << "only N or N.M replaces VERSION_ID (syft)";
}

void expect_json_safe(const std::optional<Distribution>& d) {
  if (!d) return;
  for (const auto* s : {&d->id, &d->version_id, &d->version_codename, &d->pretty_name}) {
    EXPECT_LE(s->size(), 256u);
    EXPECT_NO_THROW((void)nlohmann::json(*s).dump()) << "valid UTF-8";
  }
}

TEST(OsRelease, HostileInputGivesADefinedAnswer) {
  using namespace std::string_literals;
  const auto nul =
      detect(with({{"etc/os-release", "ID=deb\0ian\nVERSION_ID=\"12\0\"\nPRETTY_NAME=\"a\0b\"\n"s}}));
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->id, "debian");
  EXPECT_EQ(nul->version_id, "12");
  EXPECT_EQ(nul->pretty_name, "ab");

  const std::string mib(1 << 20, 'x');
  const auto long_line = detect(with({{"etc/os-release", "ID=alpine\nPRETTY_NAME=\"" + mib + "\"\n"}}));
  ASSERT_TRUE(long_line);
  EXPECT_EQ(long_line->pretty_name, std::string(256, 'x'));
  EXPECT_FALSE(detect(with({{"etc/os-release", "PRETTY_NAME=" + mib + "\nID=alpine\n"}})))
      << "only the first 64 KiB of a release file is read";
  const auto long_id = detect(with({{"etc/os-release", "ID=" + mib + "\n"}}));
  ASSERT_TRUE(long_id);
  EXPECT_EQ(long_id->id.size(), 256u);

  const auto unterminated =
      detect(with({{"etc/os-release", "ID='alpine\nVERSION_ID=\"3.19\nPRETTY_NAME=\"Alpine \\\"x\\\"\n"}}));
  ASSERT_TRUE(unterminated);
  EXPECT_EQ(unterminated->id, "alpine");
  EXPECT_EQ(unterminated->version_id, "3.19");
  EXPECT_EQ(unterminated->pretty_name, "Alpine \"x\"");
  EXPECT_FALSE(detect(with({{"etc/os-release", "\"\n'\n=\n==\nID\n"}})));

  const auto utf8 = detect(with({{"etc/os-release", "ID=x\nPRETTY_NAME=\"caf\xc3\xa9 \xff\xfe\xc3\"\n"}}));
  ASSERT_TRUE(utf8);
  EXPECT_EQ(utf8->pretty_name, "caf\xc3\xa9 ");
  std::string cut = "ID=x\nPRETTY_NAME=" + std::string(255, 'a') + "\xc3\xa9\n";
  const auto boundary = detect(with({{"etc/os-release", cut}}));
  ASSERT_TRUE(boundary);
  EXPECT_EQ(boundary->pretty_name, std::string(255, 'a')) << "never cut inside a UTF-8 sequence";

  const auto busybox = testing::read_file(data() / "syft/os/busybox/bin/busybox");
  ASSERT_FALSE(busybox.empty());
  for (const auto* path : {"etc/os-release", "etc/lsb-release", "etc/redhat-release", "etc/debian_version",
                           "etc/system-release-cpe", "etc/alpine-release", "etc/centos-release"}) {
    SCOPED_TRACE(path);
    const auto d = detect(with({{path, busybox}}));
    expect_json_safe(d);
  }
  for (const auto* text : {"", "\n\n", "release", " release 1.2", "X release .5", "X release 5.",
                           "cpe:/o:", "cpe:/o:a:b::c", "BusyBox v", "BusyBox v.", "\xff\xfe"}) {
    for (const auto* path : {"etc/redhat-release", "etc/centos-release", "etc/system-release-cpe",
                             "bin/busybox", "etc/lsb-release", "etc/debian_version"}) {
      SCOPED_TRACE(std::string(path) + ": " + text);
      expect_json_safe(detect(with({{path, text}})));
    }
  }
}

TEST(OsRelease, EvidenceKeepsWhatDetectionNeeds) {
  std::set<std::string> used;
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.fixture);
    const auto raw = files_of(c, used);
    layers::LayerFiles kept;
    for (const auto& [path, content] : raw.all()) {
      if (wants(path)) kept.add(path, evidence(path, content));
    }
    EXPECT_EQ(detect(kept), detect(raw));
  }
  EXPECT_EQ(evidence("bin/busybox", testing::read_file(data() / "syft/os/busybox/bin/busybox")),
            "BusyBox v1.31.1");
  EXPECT_EQ(evidence("var/lib/dpkg/status", "Package: x\n"), "");
  EXPECT_TRUE(wants("var/lib/dpkg/status.d/libc6"));
  EXPECT_FALSE(wants("var/lib/dpkg/status.d/"));
  EXPECT_FALSE(wants("etc/issue"));
  EXPECT_EQ(evidence("etc/os-release", std::string(100000, 'a')).size(), 64u * 1024);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::osrelease
