-- 0005: inventories in tables instead of JSON documents, as Clair keeps them: distributions and packages
-- stored once however many images hold them, each image's layers in order, and each image's packages with
-- the layer that introduced them. packages is the reverse index a re-match walks: which images hold a
-- package, without reading any inventory whole.
CREATE TABLE distributions (
  id bigserial PRIMARY KEY,
  did text NOT NULL,  -- os-release ID
  version_id text NOT NULL,
  version_codename text NOT NULL,
  pretty_name text NOT NULL,
  distroless boolean NOT NULL DEFAULT false,
  CONSTRAINT distributions_identity UNIQUE (did, version_id, version_codename, pretty_name, distroless)
);

CREATE TABLE packages (
  id bigserial PRIMARY KEY,
  ecosystem text NOT NULL,
  name text NOT NULL,
  version text NOT NULL,
  arch text NOT NULL,
  source_name text NOT NULL,
  source_version text NOT NULL,
  module text NOT NULL,
  CONSTRAINT packages_identity
    UNIQUE (ecosystem, name, version, arch, source_name, source_version, module)
);
CREATE INDEX packages_source_idx ON packages (ecosystem, source_name);

ALTER TABLE image_inventories
  ADD COLUMN id bigserial UNIQUE,
  ADD COLUMN distribution_id bigint REFERENCES distributions (id);

CREATE TABLE image_layers (
  inventory_id bigint NOT NULL REFERENCES image_inventories (id) ON DELETE CASCADE,
  position integer NOT NULL,  -- base = 0
  digest text NOT NULL,
  PRIMARY KEY (inventory_id, position)
);
CREATE INDEX image_layers_digest_idx ON image_layers (digest);

CREATE TABLE image_packages (
  inventory_id bigint NOT NULL REFERENCES image_inventories (id) ON DELETE CASCADE,
  package_id bigint NOT NULL REFERENCES packages (id),
  path text NOT NULL,    -- the database file it was read from
  layer integer NOT NULL,  -- image_layers.position of the layer that introduced it
  PRIMARY KEY (inventory_id, package_id, path)
);
CREATE INDEX image_packages_package_idx ON image_packages (package_id);

-- Inventories stored by 0004 move over.
INSERT INTO distributions (did, version_id, version_codename, pretty_name)
SELECT DISTINCT coalesce(distribution->>'id', ''), coalesce(distribution->>'version_id', ''),
       coalesce(distribution->>'version_codename', ''), coalesce(distribution->>'pretty_name', '')
FROM image_inventories WHERE jsonb_typeof(distribution) = 'object'
ON CONFLICT DO NOTHING;
UPDATE image_inventories i SET distribution_id = d.id
FROM distributions d
WHERE jsonb_typeof(i.distribution) = 'object'
  AND d.did = coalesce(i.distribution->>'id', '')
  AND d.version_id = coalesce(i.distribution->>'version_id', '')
  AND d.version_codename = coalesce(i.distribution->>'version_codename', '')
  AND d.pretty_name = coalesce(i.distribution->>'pretty_name', '');
INSERT INTO image_layers (inventory_id, position, digest)
SELECT i.id, l.ordinality - 1, l.value
FROM image_inventories i, jsonb_array_elements_text(i.layers) WITH ORDINALITY AS l;
INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module)
SELECT DISTINCT p.ecosystem, p.name, p.version, coalesce(p.arch, ''), coalesce(p.source_name, p.name),
       coalesce(p.source_version, p.version), coalesce(p.module, '')
FROM image_inventories i,
     jsonb_to_recordset(i.packages) AS p(ecosystem text, name text, version text, arch text,
                                         source_name text, source_version text, module text)
WHERE p.ecosystem IS NOT NULL AND p.name IS NOT NULL AND p.version IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, k.id, coalesce(p.path, ''),
       coalesce((SELECT min(l.position) FROM image_layers l WHERE l.inventory_id = i.id AND l.digest = p.layer), 0)
FROM image_inventories i,
     jsonb_to_recordset(i.packages) AS p(ecosystem text, name text, version text, arch text,
                                         source_name text, source_version text, module text,
                                         path text, layer text)
JOIN packages k ON k.ecosystem = p.ecosystem AND k.name = p.name AND k.version = p.version
  AND k.arch = coalesce(p.arch, '') AND k.source_name = coalesce(p.source_name, p.name)
  AND k.source_version = coalesce(p.source_version, p.version) AND k.module = coalesce(p.module, '')
ON CONFLICT DO NOTHING;

ALTER TABLE image_inventories DROP COLUMN distribution, DROP COLUMN packages, DROP COLUMN layers;

-- One row per package of each image, for the API and for reading an inventory back.
CREATE VIEW inventory_packages AS
SELECT i.registry, i.repository, i.digest, p.ecosystem, p.name, p.version, p.arch, p.source_name,
       p.source_version, p.module, ip.path, ip.layer AS layer_position, l.digest AS layer_digest,
       ip.package_id
FROM image_inventories i
JOIN image_packages ip ON ip.inventory_id = i.id
JOIN packages p ON p.id = ip.package_id
LEFT JOIN image_layers l ON l.inventory_id = i.id AND l.position = ip.layer;
