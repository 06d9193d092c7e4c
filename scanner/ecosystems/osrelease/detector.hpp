// Which distribution an image is built on, from its release files (pure). Precedence, first usable wins:
//   1. etc/os-release, then usr/lib/os-release (os-release(5); a file without ID is not usable)
//   2. etc/lsb-release (DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME, DISTRIB_DESCRIPTION)
//   3. etc/alpine-release
//   4. etc/centos-release, almalinux-release, rocky-release, oracle-release, fedora-release ("NAME release
//      X[.Y...]", as Trivy's redhatbase analyzers: a bare major version is accepted)
//   5. etc/system-release-cpe ("cpe:/o:VENDOR:PRODUCT:VERSION:...", as syft)
//   6. etc/redhat-release ("NAME release X.Y...", as syft: a bare major version is not accepted)
//   7. etc/debian_version (first line, as Trivy: "9.8", "buster/sid")
//   8. bin/busybox ("BusyBox vX.Y.Z" inside the binary, as syft)
// Then the result is completed: Debian's VERSION_ID becomes the point release of etc/debian_version when that
// is "N" or "N.M" (syft); a missing VERSION_ID or codename is taken from lsb-release (same DISTRIB_ID) or
// alpine-release; Debian's codename falls back to the "(word)" of VERSION (claircore). `distroless` is set
// when PRETTY_NAME is "Distroless" (Google distroless) or var/lib/dpkg/status.d/ holds files while
// var/lib/dpkg/status does not (dpkg database paths are looked at for presence only).
// Every value is printable ASCII or valid UTF-8, at most 256 bytes; nullopt when no file says anything
// usable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scanner/layers/layer_files.hpp"
#include "scanner/model/package.hpp"

namespace regscand::scanner::ecosystems::osrelease {

// Bump when detect() gives a different answer for the same layers, or wants() changes: stored layer
// analyses are then made again (part of the analyzers fingerprint).
inline constexpr int kVersion = 2;

// The paths detect() reads (or checks for presence).
bool wants(std::string_view path);

// What a layer analysis keeps of a wanted file for detect(): bounded, JSON-safe text; the "BusyBox vX"
// marker of bin/busybox; "" for presence-only paths. detect(evidence) == detect(raw) for every input.
std::string evidence(std::string_view path, std::string_view content);

std::optional<Distribution> parse_os_release(std::string_view text);

std::optional<Distribution> detect(const layers::LayerFiles& files);

}  // namespace regscand::scanner::ecosystems::osrelease
