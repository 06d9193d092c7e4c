-- 0007: image configs by digest, so a rescan or a copy of a known image needs no blob request at all.
-- Content-addressed: a row never changes once written.
CREATE TABLE image_configs (
  digest text PRIMARY KEY,
  body bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
