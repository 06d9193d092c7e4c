-- 0004: content-addressed layer analyses (reused by every image holding the layer, until the analyzers
-- change) and the inventory of each scanned image: distribution and packages with their introducing layer.
CREATE TABLE layer_reports (
  digest text NOT NULL,
  analyzers text NOT NULL,
  report jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest, analyzers)
);

CREATE TABLE image_inventories (
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  analyzers text NOT NULL,
  platform text,
  index_digest text,  -- the index it was reached through, if any
  distribution jsonb,
  packages jsonb NOT NULL,  -- [{ecosystem, name, version, arch, source_name, source_version, path, layer}]
  package_count integer NOT NULL,
  layers jsonb NOT NULL,  -- layer digests, base first
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry, repository, digest)
);
