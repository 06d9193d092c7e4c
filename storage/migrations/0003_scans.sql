-- 0003: one row per scan attempt of a manifest, for the API and operators: state, timings per phase,
-- bytes fetched, layers reused vs fetched, and the reason of a failure.
CREATE TABLE scans (
  id bigserial PRIMARY KEY,
  job_id bigint REFERENCES jobs (id) ON DELETE SET NULL,
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  analyzers text NOT NULL,
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  resolve_ms bigint,
  download_ms bigint,
  analyze_ms bigint,
  bytes_fetched bigint NOT NULL DEFAULT 0,
  layers_total integer,
  layers_reused integer,
  layers_fetched integer,
  error text
);
CREATE INDEX scans_subject_idx ON scans (registry, repository, digest, id DESC);
CREATE INDEX scans_job_idx ON scans (job_id);
