-- Which destinations accepted which alert, so a redelivered or replayed event is not alerted
-- twice. Kept here, not in Redis: Redis may evict keys under memory pressure, and a record must
-- outlive every dead letter that could be replayed (the dead_letter topic keeps 30 days). The
-- alerts service deletes rows older than IDEMPOTENCY_TTL_SECONDS (at least 30 days) every hour.
CREATE TABLE IF NOT EXISTS alert_deliveries (
    rule_id      text NOT NULL,
    event_id     text NOT NULL,
    destination  text NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, event_id, destination)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_delivered_at ON alert_deliveries (delivered_at);
