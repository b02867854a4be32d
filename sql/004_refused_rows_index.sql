-- The rows PostgreSQL refused (code db_refused) of one batch, found without reading the whole
-- table: a batch written in parts (--writers N), or committed before a retry, reads back the
-- refused rows stored by its other parts or its earlier commit so that each producer's ack
-- (stored in producer_acks and, with --ack committed, sent) counts them. Partial: only db_refused
-- rows are indexed, so the index costs nothing for the rest.
CREATE INDEX IF NOT EXISTS rejected_events_db_refused_idx
    ON rejected_events (server_id, batch_id) WHERE code = 'db_refused';
