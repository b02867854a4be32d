-- Tables of the contract: events, rejections, micro-batches, producer state, files, summary view.

CREATE TABLE IF NOT EXISTS user_events (
    id               BIGSERIAL PRIMARY KEY,
    event_id         VARCHAR(50)   NOT NULL UNIQUE,
    user_id          VARCHAR(50)   NOT NULL,
    event_type       VARCHAR(20)   NOT NULL,
    product_id       VARCHAR(50)   NOT NULL,
    product_name     VARCHAR(255),
    product_category VARCHAR(100),
    product_price    DECIMAL(10,2) NOT NULL,
    quantity         INTEGER       NOT NULL DEFAULT 1,
    total_price      DECIMAL(18,2) NOT NULL,
    event_timestamp  TIMESTAMPTZ   NOT NULL,
    event_date       DATE          NOT NULL,
    session_id       VARCHAR(50),
    device_type      VARCHAR(20),
    source           VARCHAR(10)   NOT NULL,
    batch_id         BIGINT        NOT NULL,
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now()
);
-- The seed pipeline's four indexes.
CREATE INDEX IF NOT EXISTS user_events_user_id_idx         ON user_events (user_id);
CREATE INDEX IF NOT EXISTS user_events_event_type_idx      ON user_events (event_type);
CREATE INDEX IF NOT EXISTS user_events_event_timestamp_idx ON user_events (event_timestamp);
CREATE INDEX IF NOT EXISTS user_events_product_id_idx      ON user_events (product_id);

CREATE TABLE IF NOT EXISTS rejected_events (
    id          BIGSERIAL PRIMARY KEY,
    server_id   TEXT,
    batch_id    BIGINT,
    source      VARCHAR(10),
    origin      TEXT,
    position    INTEGER,
    event_id    TEXT,
    code        VARCHAR(32),
    reason      TEXT,
    payload     TEXT,
    received_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS rejected_events_event_id_idx ON rejected_events (event_id);

CREATE TABLE IF NOT EXISTS ingest_batches (
    server_id    TEXT        NOT NULL,
    batch_id     BIGINT      NOT NULL,
    window_start TIMESTAMPTZ,
    window_end   TIMESTAMPTZ,
    committed_at TIMESTAMPTZ,
    events       INTEGER,
    inserted     INTEGER,
    updated      INTEGER,
    rejected     INTEGER,
    sources      TEXT[],
    write_ms     INTEGER,
    PRIMARY KEY (server_id, batch_id)
);

CREATE TABLE IF NOT EXISTS producers (
    producer_id   TEXT PRIMARY KEY,
    last_sequence BIGINT,
    last_seen     TIMESTAMPTZ
);

-- The acks of each producer's last 1024 batches, so a resend gets its original answer.
CREATE TABLE IF NOT EXISTS producer_acks (
    producer_id  TEXT   NOT NULL REFERENCES producers (producer_id) ON DELETE CASCADE,
    sequence     BIGINT NOT NULL,
    content_hash BYTEA  NOT NULL,
    ack          BYTEA  NOT NULL,  -- serialized ingest.v1.BatchAck
    server_id    TEXT,
    batch_id     BIGINT,
    PRIMARY KEY (producer_id, sequence)
);

CREATE TABLE IF NOT EXISTS ingested_files (
    sha256      CHAR(64) PRIMARY KEY,
    file_name   TEXT,
    size_bytes  BIGINT,
    accepted    INTEGER,
    rejected    INTEGER,
    server_id   TEXT,
    batch_id    BIGINT,
    ingested_at TIMESTAMPTZ
);

CREATE OR REPLACE VIEW event_summary AS
SELECT event_type,
       count(*)::BIGINT                AS events,
       count(DISTINCT user_id)::BIGINT AS distinct_users,
       coalesce(sum(total_price) FILTER (WHERE event_type = 'purchase'), 0)::NUMERIC(18,2) AS revenue,
       min(event_timestamp)            AS first_event,
       max(event_timestamp)            AS last_event
FROM user_events
GROUP BY event_type;
