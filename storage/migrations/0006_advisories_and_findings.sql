-- 0006: vulnerability feeds and findings. Each configured feed source keeps its state (attempts,
-- successes, record counts, the fingerprint that lets an unchanged source be skipped); its advisories are
-- JSON documents with a fingerprint each, so an import knows what was added, changed or removed, and
-- advisory_keys is the reverse index from (ecosystem, package name) to the advisories naming it.
-- findings hold the current and resolved matches per image; finding_events records each new and resolved
-- finding for pollers and notifications.
CREATE TABLE feed_sources (
  source text PRIMARY KEY,  -- the path or URL as configured
  kind text NOT NULL,       -- osv-zip, osv-dir, osv-record, debian-tracker, alpine-secdb
  fingerprint text,         -- sha256 of the content last imported
  record_count integer NOT NULL DEFAULT 0,
  rejected_count integer NOT NULL DEFAULT 0,
  last_attempt_at timestamptz,
  last_success_at timestamptz,
  last_error text
);

CREATE TABLE advisories (
  id bigserial PRIMARY KEY,
  source text NOT NULL REFERENCES feed_sources (source) ON DELETE CASCADE,
  advisory_id text NOT NULL,
  fingerprint text NOT NULL,  -- sha256 of doc
  doc jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, advisory_id)
);

CREATE TABLE advisory_keys (
  advisory bigint NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
  ecosystem text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (advisory, ecosystem, name)
);
CREATE INDEX advisory_keys_lookup_idx ON advisory_keys (name, ecosystem);

CREATE TABLE findings (
  inventory_id bigint NOT NULL REFERENCES image_inventories (id) ON DELETE CASCADE,
  package_id bigint NOT NULL REFERENCES packages (id),
  path text NOT NULL,
  vulnerability text NOT NULL,
  severity text NOT NULL,
  severity_source text NOT NULL,
  cvss_score real,
  cvss_vector text,
  fix_state text NOT NULL,
  fixed_version text NOT NULL,
  remediation text NOT NULL,
  aliases jsonb NOT NULL,
  refs jsonb NOT NULL,
  sources jsonb NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  PRIMARY KEY (inventory_id, package_id, path, vulnerability)
);
CREATE INDEX findings_vulnerability_idx ON findings (vulnerability) WHERE resolved_at IS NULL;

CREATE TABLE finding_events (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('new', 'resolved')),
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  package_id bigint NOT NULL REFERENCES packages (id),
  vulnerability text NOT NULL,
  severity text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
