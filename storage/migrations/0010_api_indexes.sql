-- 0010: indexes for the REST API's read paths (storage/catalog_query.cpp, storage/findings_query.cpp).
-- An image by digest, whatever its repository: GET /v1/images/{digest} and its sub-resources.
CREATE INDEX manifests_digest_idx ON manifests (digest);
CREATE INDEX image_inventories_digest_idx ON image_inventories (digest);
-- The platform images reached through an index.
CREATE INDEX image_inventories_index_digest_idx ON image_inventories (index_digest) WHERE index_digest IS NOT NULL;
-- A repository's images newest first, whatever the registry (GET /v1/repositories/{name}/images).
CREATE INDEX manifests_repository_idx ON manifests (repository, id);
-- An image's scan history by digest.
CREATE INDEX scans_digest_idx ON scans (digest, id);
-- "Where are we exposed to CVE-X" when CVE-X is an alias of the matched advisory (GHSA, DSA, ...);
-- findings_vulnerability_idx answers the id itself.
CREATE INDEX findings_aliases_idx ON findings USING gin (aliases jsonb_path_ops) WHERE resolved_at IS NULL;
-- An advisory by id or alias in any source (GET /v1/vulnerabilities/{id}, published times of findings).
CREATE INDEX advisories_advisory_id_idx ON advisories (advisory_id);
CREATE INDEX advisories_aliases_idx ON advisories USING gin ((doc -> 'aliases') jsonb_path_ops);
