-- Uploaded files (UploadFile, file-bridge). A file's rejected rows carry the file's sha256, and
-- (sha256, line) is unique: if an upload is cut off after some of its rows committed, the
-- client uploads it again and its rejected rows are not stored twice (accepted rows are upserted
-- on event_id anyway). It also lets a duplicate upload be answered with the original rejections.
ALTER TABLE rejected_events ADD COLUMN IF NOT EXISTS file_sha256 CHAR(64);
CREATE UNIQUE INDEX IF NOT EXISTS rejected_events_file_line_idx
    ON rejected_events (file_sha256, position) WHERE file_sha256 IS NOT NULL;
