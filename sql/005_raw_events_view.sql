-- The table of the seed pipeline's `raw_events` variant, as a read-only view over user_events, so
-- that variant's queries run unchanged: its columns under its names (`price`, `"timestamp"`), and
-- only the event types it kept, with `purchase` shown as its `buy`. The casts keep the contract's
-- types (a CASE over VARCHAR(20) and a text literal would be a VARCHAR of no length).
-- OR REPLACE: every migration may run again once forgotten in schema_migrations; a view that
-- exists keeps its grants.
CREATE OR REPLACE VIEW raw_events AS
SELECT event_id,
       user_id,
       (CASE event_type WHEN 'purchase' THEN 'buy' ELSE event_type END)::VARCHAR(20) AS event_type,
       product_id,
       product_price::NUMERIC(10,2) AS price,
       event_timestamp              AS "timestamp",
       quantity,
       session_id,
       device_type,
       total_price,
       event_date
FROM user_events
WHERE event_type IN ('view', 'click', 'purchase');
