#include "scanner/registry/www_authenticate.hpp"

#include <algorithm>

namespace regscand::scanner::registry {
namespace {

constexpr std::size_t kMaxChallenges = 16;
constexpr std::size_t kMaxParams = 32;

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token68_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::vector<Challenge>> run() {
    std::vector<Challenge> challenges;
    while (true) {
      skip_separators();
      if (at_end()) break;
      if (challenges.size() == kMaxChallenges) return error("more than 16 challenges");
      auto challenge = parse_challenge();
      if (!challenge) return std::unexpected(std::move(challenge).error());
      challenges.push_back(std::move(*challenge));
    }
    if (challenges.empty()) return error("no challenge");
    return challenges;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_ows() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void skip_separators() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == ',')) ++pos_;
  }

  std::string_view read_token() {
    const auto start = pos_;
    while (!at_end() && is_tchar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::unexpected<Error> error(std::string_view what) const {
    return fail(ErrorCode::InvalidArgument,
                "WWW-Authenticate: " + std::string(what) + " at offset " + std::to_string(pos_));
  }

  // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", then end or ','.
  std::optional<std::string_view> try_token68() {
    auto i = pos_;
    while (i < text_.size() && is_token68_char(text_[i])) ++i;
    if (i == pos_) return std::nullopt;
    while (i < text_.size() && text_[i] == '=') ++i;
    auto j = i;
    while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t')) ++j;
    if (j < text_.size() && text_[j] != ',') return std::nullopt;
    const auto value = text_.substr(pos_, i - pos_);
    pos_ = j;
    return value;
  }

  Result<std::string> read_quoted() {
    ++pos_;  // opening quote
    std::string value;
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (at_end()) break;
        value.push_back(text_[pos_++]);
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return error("control character in quoted string");
      value.push_back(c);
    }
    return error("unterminated quoted string");
  }

  Result<Challenge> parse_challenge() {
    const auto scheme = read_token();
    if (scheme.empty()) return error("expected an auth scheme");
    Challenge challenge;
    challenge.scheme = lower(scheme);
    if (!at_end() && peek() != ' ' && peek() != '\t' && peek() != ',')
      return error("bad character after scheme");
    skip_ows();
    if (at_end() || peek() == ',') return challenge;
    if (auto token68 = try_token68()) {
      challenge.token68 = std::string(*token68);
      return challenge;
    }
    while (true) {
      const auto save = pos_;
      skip_ows();
      const auto name = read_token();
      skip_ows();
      if (name.empty() || peek() != '=') {
        // Not a param: the next challenge starts here (only after at least one param).
        if (challenge.params.empty()) return error("expected an auth-param");
        pos_ = save;
        return challenge;
      }
      ++pos_;  // '='
      skip_ows();
      std::string value;
      if (peek() == '"') {
        auto quoted = read_quoted();
        if (!quoted) return std::unexpected(std::move(quoted).error());
        value = std::move(*quoted);
      } else {
        const auto token = read_token();
        if (token.empty()) return error("expected a token or quoted string");
        value = std::string(token);
      }
      auto key = lower(name);
      if (challenge.param(key)) return error("duplicate parameter '" + key + "'");
      if (challenge.params.size() == kMaxParams) return error("more than 32 parameters");
      challenge.params.emplace_back(std::move(key), std::move(value));
      skip_ows();
      if (at_end()) return challenge;
      if (peek() != ',') return error("expected ','");
      // Skip empty list elements ("a=1,,b=2").
      while (!at_end() && (peek() == ',' || peek() == ' ' || peek() == '\t')) ++pos_;
      if (at_end()) return challenge;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string_view> Challenge::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

Result<std::vector<Challenge>> parse_www_authenticate(std::string_view value) {
  if (value.size() > kMaxWwwAuthenticateBytes) {
    return fail(ErrorCode::InvalidArgument,
                "WWW-Authenticate: longer than " + std::to_string(kMaxWwwAuthenticateBytes) + " bytes");
  }
  return Parser(value).run();
}

std::optional<BearerChallenge> find_bearer(const std::vector<Challenge>& challenges) {
  for (const auto& challenge : challenges) {
    if (challenge.scheme != "bearer") continue;
    const auto realm = challenge.param("realm");
    if (!realm || realm->empty()) continue;
    BearerChallenge bearer;
    bearer.realm = std::string(*realm);
    bearer.service = std::string(challenge.param("service").value_or(""));
    bearer.scope = std::string(challenge.param("scope").value_or(""));
    return bearer;
  }
  return std::nullopt;
}

bool has_scheme(const std::vector<Challenge>& challenges, std::string_view scheme) {
  return std::any_of(challenges.begin(), challenges.end(),
                     [&](const Challenge& c) { return c.scheme == scheme; });
}

}  // namespace regscand::scanner::registry
