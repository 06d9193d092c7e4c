#include "scanner/registry/digester.hpp"

#include <openssl/evp.h>

#include <array>
#include <string>

namespace regscand::scanner::registry {

void Digester::Free::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

Digester::Digester(std::unique_ptr<evp_md_ctx_st, Free> ctx, std::string_view algorithm)
    : ctx_(std::move(ctx)), algorithm_(algorithm) {}
Digester::Digester(Digester&&) noexcept = default;
Digester& Digester::operator=(Digester&&) noexcept = default;
Digester::~Digester() = default;

Result<Digester> Digester::create(std::string_view algorithm) {
  const EVP_MD* md = nullptr;
  std::string_view name;
  if (algorithm == "sha256") {
    md = EVP_sha256();
    name = "sha256";
  } else if (algorithm == "sha512") {
    md = EVP_sha512();
    name = "sha512";
  } else {
    return fail(ErrorCode::InvalidArgument, "digest: unsupported algorithm " + std::string(algorithm));
  }
  std::unique_ptr<evp_md_ctx_st, Free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return fail(ErrorCode::Internal, "digest: EVP_DigestInit_ex failed");
  }
  return Digester(std::move(ctx), name);
}

void Digester::update(std::string_view bytes) {
  EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

Digest Digester::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(algorithm_);
  text.push_back(':');
  for (unsigned int i = 0; i < len; ++i) {
    text.push_back(kHex[md[i] >> 4]);
    text.push_back(kHex[md[i] & 0x0f]);
  }
  // By construction the text is a well-formed digest of a supported algorithm.
  return *Digest::parse(text);
}

Result<Digest> digest_of(std::string_view algorithm, std::string_view bytes) {
  auto digester = Digester::create(algorithm);
  if (!digester) return std::unexpected(std::move(digester).error());
  digester->update(bytes);
  return digester->finish();
}

}  // namespace regscand::scanner::registry
