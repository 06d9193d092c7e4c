-- 0015: each image's open findings counted by severity, kept by statement triggers on findings, so
-- GET /v1/repositories sums a page's images' counts (one index range per repository) instead of reading
-- every open finding of every image of the page (storage/catalog_query.cpp): 85-145 ms for a page of 50
-- repositories of 20 images with 100 findings each, and ten times that at ten times the images.
CREATE TABLE image_finding_counts (
  inventory_id bigint PRIMARY KEY REFERENCES image_inventories (id) ON DELETE CASCADE,
  registry text NOT NULL,  -- the image's, which never change
  repository text NOT NULL,
  critical bigint NOT NULL DEFAULT 0,
  high bigint NOT NULL DEFAULT 0,
  medium bigint NOT NULL DEFAULT 0,
  low bigint NOT NULL DEFAULT 0,
  negligible bigint NOT NULL DEFAULT 0,
  unknown bigint NOT NULL DEFAULT 0
);
CREATE INDEX image_finding_counts_repository_idx ON image_finding_counts (registry, repository)
  INCLUDE (critical, high, medium, low, negligible, unknown);

-- Adds the statement's change: +1 per open finding in new_rows, -1 per open finding in old_rows (an
-- update that leaves an image's counts as they were writes nothing). Increments commute, so concurrent
-- writers of one image stay right; rows are upserted in inventory order so two writers cannot deadlock on
-- them. An image being deleted (ON DELETE CASCADE) is no longer visible and is skipped: its row goes with it.
CREATE FUNCTION image_finding_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  delta text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT inventory_id, severity, 1 AS n FROM new_rows WHERE resolved_at IS NULL'
    WHEN 'DELETE' THEN 'SELECT inventory_id, severity, -1 AS n FROM old_rows WHERE resolved_at IS NULL'
    ELSE 'SELECT inventory_id, severity, 1 AS n FROM new_rows WHERE resolved_at IS NULL
          UNION ALL SELECT inventory_id, severity, -1 FROM old_rows WHERE resolved_at IS NULL' END;
BEGIN
  EXECUTE 'INSERT INTO image_finding_counts AS c (inventory_id, registry, repository, critical, high, medium, low,
                                                   negligible, unknown)
    SELECT * FROM (
      SELECT d.inventory_id, i.registry, i.repository, coalesce(sum(n) FILTER (WHERE severity = ''Critical''), 0) AS critical,
             coalesce(sum(n) FILTER (WHERE severity = ''High''), 0) AS high,
             coalesce(sum(n) FILTER (WHERE severity = ''Medium''), 0) AS medium,
             coalesce(sum(n) FILTER (WHERE severity = ''Low''), 0) AS low,
             coalesce(sum(n) FILTER (WHERE severity = ''Negligible''), 0) AS negligible,
             coalesce(sum(n) FILTER (WHERE severity = ''Unknown''), 0) AS unknown
      FROM (' || delta || ') d
      JOIN image_inventories i ON i.id = d.inventory_id
      GROUP BY d.inventory_id, i.registry, i.repository) s
    WHERE (critical, high, medium, low, negligible, unknown) <> (0, 0, 0, 0, 0, 0)
    ORDER BY inventory_id
    ON CONFLICT (inventory_id) DO UPDATE SET critical = c.critical + excluded.critical,
      high = c.high + excluded.high, medium = c.medium + excluded.medium, low = c.low + excluded.low,
      negligible = c.negligible + excluded.negligible, unknown = c.unknown + excluded.unknown';
  RETURN NULL;
END
$fn$;

CREATE TRIGGER findings_count_insert AFTER INSERT ON findings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION image_finding_counts_apply();
CREATE TRIGGER findings_count_update AFTER UPDATE ON findings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION image_finding_counts_apply();
CREATE TRIGGER findings_count_delete AFTER DELETE ON findings REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION image_finding_counts_apply();

CREATE FUNCTION image_finding_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE image_finding_counts;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER findings_count_truncate AFTER TRUNCATE ON findings
  FOR EACH STATEMENT EXECUTE FUNCTION image_finding_counts_clear();

INSERT INTO image_finding_counts (inventory_id, registry, repository, critical, high, medium, low, negligible,
                                  unknown)
SELECT f.inventory_id, i.registry, i.repository, count(*) FILTER (WHERE severity = 'Critical'), count(*) FILTER (WHERE severity = 'High'),
       count(*) FILTER (WHERE severity = 'Medium'), count(*) FILTER (WHERE severity = 'Low'),
       count(*) FILTER (WHERE severity = 'Negligible'), count(*) FILTER (WHERE severity = 'Unknown')
FROM findings f JOIN image_inventories i ON i.id = f.inventory_id
WHERE f.resolved_at IS NULL
GROUP BY f.inventory_id, i.registry, i.repository;
