-- 0001 baseline. Each migration runs in its own transaction (no BEGIN/COMMIT here) under the
-- migration advisory lock; once released, a file is never edited: changes go into a new file.

-- One row describing this database: created once, read by /readyz and support dumps.
CREATE TABLE daemon_info (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  instance_id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO daemon_info DEFAULT VALUES;

-- Small durable key/value state (feed cursors, scheduler marks); values are never secrets.
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
