-- GET /v1/events pages in commit order: each event keeps the id of the transaction that wrote it, and a
-- reader returns only events of transactions older than every one still running (pg_snapshot_xmin), by
-- (xid, id). An event committed late with a lower id is then never behind a poller's cursor.
ALTER TABLE finding_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX finding_events_xid_id_idx ON finding_events (xid, id);
