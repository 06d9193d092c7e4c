#include "storage/advisory_store.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

#include "config/base/sha256.hpp"
#include "scanner/matching/index.hpp"
#include "storage/advisory_json.hpp"

namespace regscand::storage {
namespace {

using nlohmann::json;

constexpr std::string_view kFingerprint = "advisories.fingerprint";
constexpr std::string_view kValidators = "advisories.validators";
constexpr std::string_view kRememberValidators = "advisories.remember_validators";
constexpr std::string_view kUpsertSource = "advisories.upsert_source";
constexpr std::string_view kFailure = "advisories.failure";
constexpr std::string_view kChecked = "advisories.checked";
constexpr std::string_view kExisting = "advisories.existing";
constexpr std::string_view kNamesOf = "advisories.names_of";
constexpr std::string_view kDelete = "advisories.delete";
constexpr std::string_view kDeleteKeys = "advisories.delete_keys";
constexpr std::string_view kUpdate = "advisories.update";
constexpr std::string_view kInsert = "advisories.insert";
constexpr std::string_view kInsertKeys = "advisories.insert_keys";
constexpr std::string_view kLoadAll = "advisories.load_all";
constexpr std::string_view kSources = "advisories.sources";

constexpr std::size_t kChunk = 1000;

std::string timestamp(std::string_view column) {
  return "coalesce(to_char(" + std::string(column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

struct Incoming {
  std::string doc;
  std::string fingerprint;
  std::set<std::pair<std::string, std::string>> keys;  // (ecosystem, name) as the index normalises them
};

template <class F>
void in_chunks(const json& all, F&& f) {
  for (std::size_t i = 0; i < all.size(); i += kChunk) {
    json chunk = json::array();
    for (std::size_t j = i; j < std::min(all.size(), i + kChunk); ++j) chunk.push_back(all[j]);
    f(chunk.dump());
  }
}

}  // namespace

AdvisoryStore::AdvisoryStore(Database& db) : db_(db) {
  const auto ids = std::string(" (SELECT (jsonb_array_elements_text($1::jsonb))::bigint)");
  db_.register_statements(
      "advisory store",
      {
          {kFingerprint,
           "SELECT fingerprint FROM feed_sources WHERE source = $1 AND last_success_at IS NOT NULL"},
          {kUpsertSource,
           "INSERT INTO feed_sources (source, kind, fingerprint, record_count, rejected_count, "
           "last_attempt_at,"
           " last_success_at, last_checked_at, last_error, etag, last_modified) VALUES ($1, $2, $3, "
           "$4::integer,"
           " $5::integer, now(), now(), now(), NULL, nullif($6, ''), nullif($7, ''))"
           " ON CONFLICT (source) DO UPDATE SET kind = excluded.kind, fingerprint = excluded.fingerprint,"
           " record_count = excluded.record_count, rejected_count = excluded.rejected_count,"
           " last_attempt_at = now(), last_success_at = now(), last_checked_at = now(), last_error = NULL, "
           "etag = excluded.etag,"
           " last_modified = excluded.last_modified"},
          {kValidators,
           "SELECT coalesce(etag, ''), coalesce(last_modified, '') FROM feed_sources"
           " WHERE source = $1 AND last_success_at IS NOT NULL"},
          {kRememberValidators,
           "UPDATE feed_sources SET etag = nullif($2, ''), last_modified = nullif($3, '')"
           " WHERE source = $1 AND last_success_at IS NOT NULL"},
          {kFailure,
           "INSERT INTO feed_sources (source, kind, last_attempt_at, last_error) VALUES ($1, $2, now(), $3)"
           " ON CONFLICT (source) DO UPDATE SET last_attempt_at = now(), last_error = excluded.last_error"},
          {kChecked,
           "UPDATE feed_sources SET last_attempt_at = now(), last_checked_at = now(), last_error = NULL"
           " WHERE source = $1 AND last_success_at IS NOT NULL"},
          {kExisting, "SELECT advisory_id, id, fingerprint FROM advisories WHERE source = $1"},
          {kNamesOf, "SELECT DISTINCT name FROM advisory_keys WHERE advisory IN" + ids},
          {kDelete, "DELETE FROM advisories WHERE id IN" + ids},
          {kDeleteKeys, "DELETE FROM advisory_keys WHERE advisory IN" + ids},
          {kUpdate,
           "UPDATE advisories a SET doc = u.doc, fingerprint = u.fingerprint, updated_at = now()"
           " FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, doc jsonb, fingerprint text) WHERE a.id = "
           "u.id"},
          {kInsert,
           "INSERT INTO advisories (source, advisory_id, fingerprint, doc)"
           " SELECT $1, i.advisory_id, i.fingerprint, i.doc"
           " FROM jsonb_to_recordset($2::jsonb) AS i(advisory_id text, fingerprint text, doc jsonb)"},
          {kInsertKeys,
           "INSERT INTO advisory_keys (advisory, ecosystem, name)"
           " SELECT a.id, k.ecosystem, k.name FROM jsonb_to_recordset($2::jsonb) AS k(advisory_id text,"
           " ecosystem text, name text) JOIN advisories a ON a.source = $1 AND a.advisory_id = k.advisory_id"
           " ON CONFLICT DO NOTHING"},
          {kLoadAll, "SELECT doc::text FROM advisories ORDER BY id"},
          {kSources, "SELECT source, kind, coalesce(fingerprint, ''), record_count, rejected_count, " +
                         timestamp("last_attempt_at") + ", " + timestamp("last_success_at") +
                         ", coalesce(last_error, ''), " + timestamp("last_checked_at") +
                         ", coalesce(extract(epoch FROM last_checked_at)::float8, 0) FROM feed_sources ORDER "
                         "BY source"},
      });
}

Result<std::optional<std::string>> AdvisoryStore::fingerprint(const std::string& source) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kFingerprint), source);
    tx.commit();
    if (rows.empty() || rows[0][0].is_null()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

Result<scanner::feeds::Validators> AdvisoryStore::validators(const std::string& source) {
  return db_.run([&](pqxx::connection& conn) -> scanner::feeds::Validators {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kValidators), source);
    tx.commit();
    if (rows.empty()) return {};
    return {rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
  });
}

Result<void> AdvisoryStore::remember_validators(const std::string& source,
                                                const scanner::feeds::Validators& validators) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kRememberValidators), source, validators.etag, validators.last_modified);
    tx.commit();
  });
}

Result<ImportDiff> AdvisoryStore::replace(const FeedImport& import,
                                          const scanner::feeds::Validators& validators) {
  std::map<std::string, Incoming> incoming;
  for (const auto& advisory : import.advisories) {
    Incoming in;
    in.doc = advisory_to_json(advisory);
    in.fingerprint = sha256_hex(in.doc);
    for (const auto& affected : advisory.affected) {
      const auto ecosystem = scanner::matching::normalize_ecosystem(affected.ecosystem);
      in.keys.emplace(ecosystem, scanner::matching::normalize_name(ecosystem, affected.name));
    }
    incoming[advisory.id] = std::move(in);
  }
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kUpsertSource), import.source, import.kind, import.fingerprint,
                     static_cast<int>(incoming.size()), static_cast<int>(import.rejected), validators.etag,
                     validators.last_modified);
    ImportDiff diff;
    json gone = json::array(), changed = json::array(), updates = json::array(), inserts = json::array(),
         keys = json::array();
    std::set<std::string> existing, rekeyed;
    for (const auto& row : tx.exec_prepared(std::string(kExisting), import.source)) {
      const auto advisory_id = row[0].as<std::string>();
      const auto id = row[1].as<std::int64_t>();
      existing.insert(advisory_id);
      const auto it = incoming.find(advisory_id);
      if (it == incoming.end()) {
        gone.push_back(id);
        ++diff.removed;
      } else if (it->second.fingerprint != row[2].as<std::string>()) {
        changed.push_back(id);
        updates.push_back(
            {{"id", id}, {"doc", json::parse(it->second.doc)}, {"fingerprint", it->second.fingerprint}});
        rekeyed.insert(advisory_id);
        ++diff.changed;
      } else {
        ++diff.unchanged;
      }
    }
    for (const auto& [advisory_id, in] : incoming) {
      if (!existing.contains(advisory_id)) {
        inserts.push_back(
            {{"advisory_id", advisory_id}, {"fingerprint", in.fingerprint}, {"doc", json::parse(in.doc)}});
        rekeyed.insert(advisory_id);
        ++diff.added;
      }
      if (!rekeyed.contains(advisory_id)) continue;
      for (const auto& [ecosystem, name] : in.keys) {
        keys.push_back({{"advisory_id", advisory_id}, {"ecosystem", ecosystem}, {"name", name}});
        diff.names.insert(name);
      }
    }
    for (const json* ids : {&gone, &changed}) {
      if (ids->empty()) continue;
      for (const auto& row : tx.exec_prepared(std::string(kNamesOf), ids->dump())) {
        diff.names.insert(row[0].as<std::string>());
      }
    }
    if (!gone.empty()) tx.exec_prepared(std::string(kDelete), gone.dump());
    if (!changed.empty()) tx.exec_prepared(std::string(kDeleteKeys), changed.dump());
    in_chunks(updates, [&](const std::string& chunk) { tx.exec_prepared(std::string(kUpdate), chunk); });
    in_chunks(inserts, [&](const std::string& chunk) {
      tx.exec_prepared(std::string(kInsert), import.source, chunk);
    });
    in_chunks(keys, [&](const std::string& chunk) {
      tx.exec_prepared(std::string(kInsertKeys), import.source, chunk);
    });
    tx.commit();
    return diff;
  });
}

Result<void> AdvisoryStore::record_failure(const std::string& source, const std::string& kind,
                                           const std::string& error) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kFailure), source, kind, error);
    tx.commit();
  });
}

Result<void> AdvisoryStore::mark_checked(const std::string& source) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kChecked), source);
    tx.commit();
  });
}

Result<std::vector<scanner::feeds::Advisory>> AdvisoryStore::load_all() {
  auto docs = db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<std::string> out;
    for (const auto& row : tx.exec_prepared(std::string(kLoadAll))) out.push_back(row[0].as<std::string>());
    tx.commit();
    return out;
  });
  if (!docs) return std::unexpected(std::move(docs).error());
  std::vector<scanner::feeds::Advisory> out;
  out.reserve(docs->size());
  for (const auto& doc : *docs) {
    auto advisory = advisory_from_json(doc);
    if (!advisory) return std::unexpected(std::move(advisory).error());
    out.push_back(std::move(*advisory));
  }
  return out;
}

Result<std::vector<FeedSourceStatus>> AdvisoryStore::sources() {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<FeedSourceStatus> out;
    for (const auto& r : tx.exec_prepared(std::string(kSources))) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), r[5].as<std::string>(),
                     r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<std::string>(),
                     r[9].as<double>()});
    }
    tx.commit();
    return out;
  });
}

}  // namespace regscand::storage
