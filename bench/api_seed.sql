-- Seeds the REST API benchmark (bench/api.sh): :images images in 500 repositories, 100 packages each, the
-- first 50 of them vulnerable to 2 CVEs each (findings = :images * 100). Images share a base: packages 1-10
-- (and their 20 CVEs, "hot") are in every image, the other 90 are those of one of 30 base groups, so a
-- group CVE affects :images / 30 images. psql -v images=10000 -f bench/api_seed.sql
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL work_mem = '256MB';  -- fewer merge passes in the ORDER BY sorts below
SET LOCAL maintenance_work_mem = '512MB';
-- The two big tables load without their secondary indexes, each built once at the end: at 10,000,000
-- findings that is faster than inserting into every index row by row.
CREATE TEMP TABLE bench_indexes ON COMMIT DROP AS
  SELECT indexname, indexdef FROM pg_indexes
  WHERE schemaname = 'public' AND tablename IN ('findings', 'image_packages')
    AND indexname NOT IN (SELECT conname FROM pg_constraint);
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM bench_indexes LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP;
END $$;
INSERT INTO feed_sources (source, kind, record_count, last_attempt_at, last_success_at)
VALUES ('bench/osv.zip', 'osv-zip', 2720, now() - interval '2 hours', now() - interval '2 hours');

INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module)
SELECT 'dpkg', 'pkg' || p, '1.' || p || '-1', 'amd64', 'src' || p, '1.' || p || '-1', ''
FROM generate_series(1, 2710) p;

INSERT INTO distributions (did, version_id, version_codename, pretty_name)
VALUES ('debian', '12', 'bookworm', 'Debian GNU/Linux 12 (bookworm)');

INSERT INTO image_inventories (registry, repository, digest, analyzers, platform, package_count, updated_at,
                               distribution_id)
SELECT 'bench', 'team' || (n % 50) || '/app' || (n % 500), 'sha256:' || encode(sha256(n::text::bytea), 'hex'),
       'bench', 'linux/amd64', 100, now() - interval '1 hour', (SELECT min(id) FROM distributions)
FROM generate_series(1, :images) n;

INSERT INTO manifests (registry, repository, digest, media_type, size, first_pushed_at, last_pushed_at,
                       last_pulled_at, pull_count, scanned_with)
SELECT registry, repository, digest, 'application/vnd.oci.image.manifest.v1+json', 1234,
       now() - (id % 90) * interval '1 day', now() - (id % 90) * interval '1 day',
       now() - (id % 40) * interval '1 day', id % 17, 'bench'
FROM image_inventories;

INSERT INTO tags (registry, repository, tag, digest)
SELECT registry, repository, 'v' || id, digest FROM image_inventories;

INSERT INTO jobs (kind, registry, repository, digest, state, attempts, result, started_at, finished_at)
SELECT 'scan', registry, repository, digest, 'succeeded', 1, '{}', now() - interval '1 hour',
       now() - interval '1 hour'
FROM image_inventories;

INSERT INTO scans (job_id, registry, repository, digest, analyzers, state, started_at, finished_at,
                   layers_total, layers_reused, layers_fetched)
SELECT j.id, j.registry, j.repository, j.digest, 'bench', 'succeeded', j.started_at, j.finished_at, 5, 0, 5
FROM jobs j WHERE j.registry = 'bench';

INSERT INTO image_layers (inventory_id, position, digest)
SELECT i.id, l, 'sha256:' || encode(sha256(((i.id % 30) * 10 + l)::text::bytea), 'hex')
FROM image_inventories i, generate_series(0, 4) l;

-- Package k of image i: the 10 shared ones, then its group's 90.
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, CASE WHEN k < 10 THEN k + 1 ELSE 11 + (i.id % 30) * 90 + (k - 10) END, 'var/lib/dpkg/status',
       CASE WHEN k < 10 THEN 0 ELSE 1 + k % 4 END
FROM image_inventories i, generate_series(0, 99) k
ORDER BY i.id, k;  -- a scan writes an image's rows together

INSERT INTO advisories (source, advisory_id, fingerprint, doc)
SELECT 'bench/osv.zip', 'CVE-2024-' || lpad((p * 2 + j)::text, 5, '0'), md5(p::text || j),
       jsonb_build_object('source', 'bench/osv.zip', 'id', 'CVE-2024-' || lpad((p * 2 + j)::text, 5, '0'),
                          'aliases', jsonb_build_array('DSA-' || (p * 2 + j)), 'summary', 'overflow in pkg' || p,
                          'details', 'A crafted input overflows a buffer in pkg' || p || '.',
                          'published', '2024-03-01T00:00:00Z', 'modified', '2024-04-01T00:00:00Z',
                          'withdrawn', '', 'cvss', '[]'::jsonb,
                          'severity', (ARRAY['Critical', 'High', 'Medium', 'Low'])[1 + (p + j) % 4],
                          'severity_source', 'osv',
                          'references', jsonb_build_array('https://security-tracker.debian.org/tracker/'),
                          'affected', '[]'::jsonb)
FROM generate_series(1, 2710) p, generate_series(0, 1) j
WHERE p <= 10 OR (p - 11) % 90 < 40;

INSERT INTO findings (inventory_id, package_id, path, vulnerability, severity, severity_source, cvss_score,
                      cvss_vector, fix_state, fixed_version, remediation, aliases, refs, sources)
SELECT ip.inventory_id, ip.package_id, ip.path, 'CVE-2024-' || lpad((ip.package_id * 2 + j)::text, 5, '0'),
       (ARRAY['Critical', 'High', 'Medium', 'Low'])[1 + (ip.package_id + j) % 4], 'osv',
       (ARRAY[9.8, 7.5, 5.3, 3.1])[1 + (ip.package_id + j) % 4], 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
       CASE WHEN j = 0 THEN 'fixed' ELSE 'not-fixed' END, CASE WHEN j = 0 THEN '1.' || ip.package_id || '-2' ELSE '' END,
       CASE WHEN j = 0 THEN 'Upgrade pkg' || ip.package_id ELSE 'No fix yet' END,
       jsonb_build_array('DSA-' || (ip.package_id * 2 + j)),
       '["https://security-tracker.debian.org/tracker/"]', '["bench/osv.zip"]'
FROM image_packages ip, generate_series(0, 1) j
WHERE ip.package_id <= 10 OR (ip.package_id - 11) % 90 < 40
ORDER BY ip.inventory_id, ip.package_id, j;

DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM bench_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
COMMIT;
ANALYZE;
