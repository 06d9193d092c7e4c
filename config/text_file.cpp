#include "config/text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace regscand::config {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::unexpected<Error> read_error(const std::filesystem::path& path, int error_number) {
  const ErrorCode code = error_number == ENOENT   ? ErrorCode::NotFound
                         : error_number == EACCES ? ErrorCode::PermissionDenied
                                                  : ErrorCode::InvalidArgument;
  return fail(code, "cannot read " + path.string() + ": " + std::strerror(error_number));
}

}  // namespace

Result<std::string> read_text_file(const std::filesystem::path& path, std::size_t max_bytes) {
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return read_error(path, errno);
  std::string content;
  char buffer[8192];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
    content.append(buffer, n);
    if (content.size() > max_bytes) {
      return fail(ErrorCode::InvalidArgument,
                  "cannot read " + path.string() + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (n == sizeof buffer) continue;
    if (std::ferror(file.get())) return read_error(path, errno);
    return content;
  }
}

Result<std::string> read_secret_file(const std::filesystem::path& path) {
  auto content = read_text_file(path, kMaxSecretFileBytes);
  if (!content) return content;
  while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
  return content;
}

}  // namespace regscand::config
