-- 0009: the rescan scheduler and imports. Each scan attempt says what asked for it (the job kind: "scan"
-- for a push, "import" for POST /v1/scans and catalog walks, "rescan" for the scheduler). Partial indexes
-- find the live manifests pulled or pushed since a time, and the inventories reached through an index,
-- which a rescan re-matches without asking the registry.
ALTER TABLE scans
  ADD COLUMN kind text NOT NULL DEFAULT 'scan' CHECK (kind IN ('scan', 'import', 'rescan'));

CREATE INDEX manifests_pulled_idx ON manifests (last_pulled_at) WHERE deleted_at IS NULL;
CREATE INDEX manifests_pushed_idx ON manifests (last_pushed_at) WHERE deleted_at IS NULL;
CREATE INDEX image_inventories_index_idx ON image_inventories (registry, repository, index_digest)
  WHERE index_digest IS NOT NULL;
