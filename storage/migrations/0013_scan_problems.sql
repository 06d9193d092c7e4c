-- 0013: package databases an image's inventory left out or cut at a limit (scanner::Problem), so that a
-- clean-looking scan with a hidden database shows it: per image inventory and per scan attempt, as the API
-- gives them: [{ecosystem, path, limit, limit_value, message, layer: {position, digest}}] (scans add image).
ALTER TABLE image_inventories ADD COLUMN problems jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE scans ADD COLUMN problems jsonb NOT NULL DEFAULT '[]'::jsonb;
