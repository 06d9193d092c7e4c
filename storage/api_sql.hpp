// SQL fragments shared by the API queries (catalog_query, findings_query). Constant text only: no value
// is ever pasted into SQL.
#pragma once

#include <string>
#include <string_view>

#include "config/base/text.hpp"
#include "scanner/feeds/advisory.hpp"
#include "storage/catalog_query.hpp"
#include "storage/page_cursor.hpp"

namespace regscand::storage::api_sql {

// 0 (Unknown) .. 5 (Critical), scanner::feeds::Severity's order, for a findings.severity column.
inline std::string severity_rank(std::string_view column) {
  std::string out = "(CASE " + std::string(column);
  for (const auto severity : scanner::feeds::kSeverities) {
    out += " WHEN '" + std::string(scanner::feeds::severity_name(severity)) + "' THEN " +
           std::to_string(static_cast<int>(severity));
  }
  return out + " ELSE 0 END)";
}

// An aggregate: the worst severity name (lower case) over the rows, NULL when none.
inline std::string worst_severity(std::string_view column) {
  std::string names;
  for (const auto severity : scanner::feeds::kSeverities) {
    names += (names.empty() ? "'" : ",'") + text::lower_case(scanner::feeds::severity_name(severity)) + "'";
  }
  return "(ARRAY[" + names + "])[max(" + severity_rank(column) + ") + 1]";
}

// An aggregate: {"critical": n, "high": n, ..., "unknown": n} over the rows of findings alias `f`.
inline std::string severity_counts(std::string_view f) {
  std::string out = "jsonb_build_object(";
  bool first = true;
  for (const std::string_view name : {"Critical", "High", "Medium", "Low", "Negligible", "Unknown"}) {
    std::string lower(name);
    lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
    out += (first ? "'" : ", '") + lower + "', count(*) FILTER (WHERE " + std::string(f) + ".severity = '" +
           std::string(name) + "')";
    first = false;
  }
  return out + ")";
}

// Over the image_finding_counts rows (migration 0015) of alias `c`: the same object as severity_counts,
// then the worst severity with a count (lower case), NULL when none; "counts, worst".
inline std::string summed_severity_counts(std::string_view c) {
  const std::string p(c);
  std::string counts = "jsonb_build_object(";
  std::string worst = "CASE";
  for (auto it = std::rbegin(scanner::feeds::kSeverities); it != std::rend(scanner::feeds::kSeverities);
       ++it) {
    const std::string name = text::lower_case(scanner::feeds::severity_name(*it));
    counts += (counts.back() == '(' ? "'" : ", '") + name + "', coalesce(sum(" + p + "." + name + "), 0)";
    worst += " WHEN sum(" + p + "." + name + ") > 0 THEN '" + name + "'";
  }
  return counts + "), " + worst + " END";
}

// The current tags of a manifest (registry, repository, digest columns of alias `m`) as a JSON array.
inline std::string tags_of(std::string_view m) {
  const std::string p(m);
  return "(SELECT coalesce(jsonb_agg(t.tag ORDER BY t.tag), '[]'::jsonb) FROM tags t WHERE t.registry = " +
         p + ".registry AND t.repository = " + p + ".repository AND t.digest = " + p + ".digest)";
}

// "language" or "os" for packages alias `p`, given $n holding language_ecosystems_literal().
inline std::string package_type(std::string_view p, std::string_view param) {
  return "(CASE WHEN " + std::string(p) + ".ecosystem = ANY(" + std::string(param) +
         "::text[]) THEN 'language' ELSE 'os' END)";
}

// The $n value a PackageType filters with: "", "os" or "language".
inline std::string_view type_name(PackageType type) {
  switch (type) {
    case PackageType::Os:
      return "os";
    case PackageType::Language:
      return "language";
    case PackageType::Any:
      break;
  }
  return "";
}

}  // namespace regscand::storage::api_sql
