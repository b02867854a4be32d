-- A micro-batch written through several connections at once (ingest-server --writers N) commits
-- as N transactions: each of parts 1..N-1 records itself here in the transaction holding its rows,
-- so a replay after a crash skips the parts that committed and writes the others, split as they
-- were (`parts`). Part 0 commits last, with the batch's ingest_batches row, and deletes the
-- batch's rows here: this table only holds parts of batches that are still being written.
CREATE TABLE IF NOT EXISTS ingest_batch_parts (
    server_id    TEXT        NOT NULL,
    batch_id     BIGINT      NOT NULL,
    part         INTEGER     NOT NULL,
    parts        INTEGER     NOT NULL,
    inserted     INTEGER     NOT NULL,
    updated      INTEGER     NOT NULL,
    refused      INTEGER     NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (server_id, batch_id, part)
);
