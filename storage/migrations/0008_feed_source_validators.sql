-- 0008: the HTTP validators of a URL source's last successful import, sent back as If-None-Match and
-- If-Modified-Since so an unchanged feed answers 304 and is not downloaded again. NULL for paths.
ALTER TABLE feed_sources
  ADD COLUMN etag text,
  ADD COLUMN last_modified text;
