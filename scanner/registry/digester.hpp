// Incremental content digests ("sha256:<hex>", "sha512:<hex>") over streamed bytes (OpenSSL EVP).
#pragma once

#include <memory>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/model/digest.hpp"

struct evp_md_ctx_st;

namespace regscand::scanner::registry {

class Digester {
 public:
  // InvalidArgument for anything but "sha256" and "sha512".
  [[nodiscard]] static Result<Digester> create(std::string_view algorithm);
  Digester(Digester&&) noexcept;
  Digester& operator=(Digester&&) noexcept;
  ~Digester();

  void update(std::string_view bytes);
  // The digest of everything passed to update(); the digester is spent afterwards.
  Digest finish();

 private:
  struct Free {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  Digester(std::unique_ptr<evp_md_ctx_st, Free> ctx, std::string_view algorithm);
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
  std::string_view algorithm_;
};

// One-shot digest of `bytes` with `algorithm` ("sha256" or "sha512").
[[nodiscard]] Result<Digest> digest_of(std::string_view algorithm, std::string_view bytes);

}  // namespace regscand::scanner::registry
