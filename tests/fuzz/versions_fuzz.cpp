// Every version scheme on two strings (the input split at its first newline): no crash, bounded work, and
// antisymmetry — cmp(a, b) and cmp(b, a) are both nullopt or of opposite signs, and cmp(a, a) is 0 when
// defined.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "scanner/ecosystems/apk/version.hpp"
#include "scanner/ecosystems/dpkg/version.hpp"
#include "scanner/ecosystems/gem/version.hpp"
#include "scanner/ecosystems/maven/version.hpp"
#include "scanner/ecosystems/pypi/version.hpp"
#include "scanner/ecosystems/rpm/version.hpp"
#include "scanner/ecosystems/semver/version.hpp"

namespace {

namespace eco = regscand::scanner::ecosystems;

int sign(int c) {
  return (c > 0) - (c < 0);
}

template <class F>
void check(F cmp, std::string_view a, std::string_view b) {
  const std::optional<int> ab = cmp(a, b);
  const std::optional<int> ba = cmp(b, a);
  if (ab.has_value() != ba.has_value()) std::abort();
  if (ab && sign(*ab) != -sign(*ba)) std::abort();
  const std::optional<int> aa = cmp(a, a);
  if (aa && *aa != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  const std::string_view a = text.substr(0, newline);
  const std::string_view b =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  check([](std::string_view x, std::string_view y) { return eco::dpkg::compare(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::rpm::compare_segments(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::rpm::compare(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::rpm::compare_nevra(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::apk::compare(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::apk::compare_apk2(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::pypi::compare(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::semver::compare(x, y); }, a, b);
  check([](std::string_view x,
           std::string_view y) { return eco::semver::compare(x, y, eco::semver::Mode::Loose); },
        a, b);
  check([](std::string_view x, std::string_view y) { return eco::maven::compare(x, y); }, a, b);
  check([](std::string_view x, std::string_view y) { return eco::gem::compare(x, y); }, a, b);
  (void)eco::apk::valid(a);
  return 0;
}
