-- 0002 the webhook inbox (idempotency ledger, manifests, tags and their history) and the durable
-- job queue. Written by storage/event_inbox.cpp and storage/job_queue.cpp.

-- Every registry notification applied, by the registry's event id: a redelivered event is skipped.
CREATE TABLE webhook_events (
  registry text NOT NULL,
  event_id text NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 512),
  action text NOT NULL CHECK (action IN ('push', 'pull', 'delete')),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry, event_id)
);

-- One row per manifest digest a registry told us about (pushed or only pulled). Deleted manifests
-- keep their row (deleted_at set) so their history and scans stay readable.
CREATE TABLE manifests (
  id bigserial PRIMARY KEY,
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  media_type text,
  size bigint,
  quarantined boolean NOT NULL DEFAULT false,
  first_pushed_at timestamptz,  -- null: only seen through pulls
  last_pushed_at timestamptz,
  last_pulled_at timestamptz,
  pull_count bigint NOT NULL DEFAULT 0,
  deleted_at timestamptz,
  scanned_with text,  -- analyzers fingerprint of the last successful scan; null = never scanned
  resolved_media_type text,  -- as fetched from the registry by a scan
  resolved_size bigint,
  resolved_at timestamptz,
  UNIQUE (registry, repository, digest)
);

-- The current tag -> digest mapping.
CREATE TABLE tags (
  registry text NOT NULL,
  repository text NOT NULL,
  tag text NOT NULL,
  digest text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry, repository, tag)
);
CREATE INDEX tags_digest_idx ON tags (registry, repository, digest);

-- A row whenever a tag is created, moves to another digest or is deleted (digest null); re-pushing
-- a tag to the digest it already names adds nothing. An append-only log read per tag in id order
-- through tag_history_tag_idx (no primary key index: one index less on the inbox's hot path).
CREATE TABLE tag_history (
  id bigserial NOT NULL,
  registry text NOT NULL,
  repository text NOT NULL,
  tag text NOT NULL,
  digest text,
  previous_digest text,
  event_id text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tag_history_tag_idx ON tag_history (registry, repository, tag, id);

-- The durable work queue. Workers claim with FOR UPDATE SKIP LOCKED and hold a lease; a running job
-- whose lease expired is claimed again (its worker died). succeeded, failed (permanent error), dead
-- (attempts exhausted) and cancelled are final.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  priority integer NOT NULL DEFAULT 100,
  state text NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  run_after timestamptz NOT NULL DEFAULT now(),
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
-- A subject is never queued (or running) twice: enqueue uses ON CONFLICT DO NOTHING on this index.
-- Led by the manifest so that cancelling a deleted manifest's queued jobs uses it too.
CREATE UNIQUE INDEX jobs_active_subject_idx ON jobs (registry, repository, digest, kind)
  WHERE state IN ('queued', 'running');
-- Claim order: highest priority, then oldest run_after. Leading with the sort keys lets a claim
-- walk the index and stop at the first runnable row instead of sorting the whole backlog.
CREATE INDEX jobs_claim_idx ON jobs (priority DESC, run_after, id)
  WHERE state IN ('queued', 'running');
-- Running jobs by lease expiry: claims look here for the leases of dead workers.
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state = 'running';
-- Listing finished jobs by state, newest first (active ones are found from the newest ids down).
-- Partial, like jobs_lease_idx, so enqueueing a job touches only the pkey, subject and claim indexes.
CREATE INDEX jobs_finished_state_idx ON jobs (state, id) WHERE state NOT IN ('queued', 'running');
