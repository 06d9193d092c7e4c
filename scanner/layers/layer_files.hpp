// The files one layer offers to the package scanners: the regular files a scanner asked for (by
// PackageScanner::wants), each read up to a cap, keyed by normalised path ("var/lib/dpkg/status": no
// leading slash, no "." or ".." segments). Produced by the layer reader, consumed by pure parsers.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regscand::scanner::layers {

class LayerFiles {
 public:
  void add(std::string path, std::string content) {
    files_.insert_or_assign(std::move(path), std::move(content));
  }

  // Content of `path`, or null when the layer does not hold it.
  const std::string* find(std::string_view path) const {
    const auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }

  // Paths held under `prefix` ("var/lib/dpkg/status.d/"), in order.
  std::vector<std::string_view> under(std::string_view prefix) const {
    std::vector<std::string_view> out;
    for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix); ++it) {
      out.push_back(it->first);
    }
    return out;
  }

  const std::map<std::string, std::string, std::less<>>& all() const { return files_; }
  bool empty() const { return files_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> files_;
};

}  // namespace regscand::scanner::layers
