#include "storage/advisory_texts.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/transaction>

#include "storage/page_cursor.hpp"

namespace regscand::storage {
namespace {

// $1 the ids as a JSON array of strings.
constexpr std::string_view kAdvisoryTextsSql = R"sql(
SELECT DISTINCT ON (a.advisory_id) a.advisory_id, coalesce(a.doc->>'summary', ''),
       coalesce(a.doc->>'details', ''), coalesce(a.doc->>'published', '')
FROM advisories a
WHERE a.advisory_id IN (SELECT jsonb_array_elements_text($1::jsonb))
ORDER BY a.advisory_id, coalesce(a.doc->>'summary', '') = '', a.source
)sql";

}  // namespace

Result<std::map<std::string, AdvisoryText>> advisory_texts(Database& db,
                                                           const std::vector<std::string>& ids) {
  if (ids.size() > static_cast<std::size_t>(kMaxPageLimit)) {
    return std::unexpected(Error{ErrorCode::InvalidArgument, "advisory texts: more than 500 ids"});
  }
  if (ids.empty()) {
    return std::map<std::string, AdvisoryText>{};
  }
  const std::string ids_json =
      nlohmann::json(ids).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return db.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, AdvisoryText> out;
    for (const auto& row : tx.exec_params(std::string(kAdvisoryTextsSql), ids_json)) {
      out[row[0].as<std::string>()] =
          AdvisoryText{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
    }
    return out;
  });
}

}  // namespace regscand::storage
