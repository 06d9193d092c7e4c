#include "scanner/registry/user_agent.hpp"

namespace regscand::scanner::registry {
namespace {

constexpr std::string_view kProduct = "regscand";

}  // namespace

std::string user_agent() {
  return std::string(kProduct) + "/" REGSCAND_VERSION;
}

bool is_own_user_agent(std::string_view value) {
  if (!value.starts_with(kProduct)) return false;
  const auto rest = value.substr(kProduct.size());
  return rest.empty() || rest.front() == '/' || rest.front() == ' ';
}

}  // namespace regscand::scanner::registry
