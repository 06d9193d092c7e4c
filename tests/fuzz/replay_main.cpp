// Runs a fuzz entry point over seed files (arguments: files or directories, walked recursively) and over
// deterministic mutations of each (truncations, byte flips, splices), so the entry point's contract — no
// crash, no sanitizer report, no hang — is checked in every test run. Seeds over 4 MiB are sampled.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr std::size_t kMaxSeed = 4 << 20;
constexpr int kMutationsPerSeed = 64;

void run(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string out(kMaxSeed, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

void mutate_and_run(const std::string& seed, std::mt19937& rng) {
  for (int i = 0; i < kMutationsPerSeed; ++i) {
    std::string m = seed;
    switch (rng() % 4) {
      case 0:
        m.resize(m.empty() ? 0 : rng() % m.size());
        break;
      case 1:
        for (int k = 0; k < 8 && !m.empty(); ++k) m[rng() % m.size()] = static_cast<char>(rng());
        break;
      case 2:
        if (!m.empty()) m.insert(rng() % m.size(), m.substr(rng() % m.size(), rng() % 64));
        break;
      default:
        if (!m.empty()) m.erase(rng() % m.size(), rng() % 32);
    }
    run(m);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) seeds.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(arg)) {
      seeds.push_back(arg);
    }
  }
  std::mt19937 rng(20261128);
  run("");
  for (const auto& seed : seeds) {
    const std::string bytes = read(seed);
    run(bytes);
    mutate_and_run(bytes, rng);
  }
  std::printf("replayed %zu seeds with %d mutations each\n", seeds.size(), kMutationsPerSeed);
  return 0;
}
