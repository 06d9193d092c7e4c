-- 0012: when each feed source was last confirmed current, by an import or by a check that found it unchanged
-- (HTTP 304 or the same fingerprint). The feed age (/metrics, `regscand feeds status`) counts from it;
-- last_success_at stays the time of the last import that changed the stored advisories' source.
ALTER TABLE feed_sources ADD COLUMN last_checked_at timestamptz;
UPDATE feed_sources SET last_checked_at = last_success_at;
