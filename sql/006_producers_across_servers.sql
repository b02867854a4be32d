-- Several servers sharing one database (docs/operations.md, "Several servers").
--
-- producers.server_id: the server that took the producer's latest stream. A server writes it
-- when a stream's first batch arrives (before acking anything), so the next server the producer
-- reconnects to knows that batches past last_sequence may sit, acked but not yet committed, in
-- another server's log, and accepts the producer's next sequence after that gap (proto comments
-- of EventBatch.sequence).
ALTER TABLE producers ADD COLUMN IF NOT EXISTS server_id TEXT;

-- user_events.producer_id / producer_sequence: the stream batch the row's values came from (NULL
-- for rows from files). A repeated event_id keeps the values of the producer's later batch even
-- when an earlier batch is committed after it, as when a server's log is replayed or adopted after
-- the producer went on through another server. Nullable without a default: adding them rewrites
-- nothing.
ALTER TABLE user_events ADD COLUMN IF NOT EXISTS producer_id TEXT;
ALTER TABLE user_events ADD COLUMN IF NOT EXISTS producer_sequence BIGINT;
