-- Purchases and refunds (every name shared/events/vocabulary.ts maps to them) in a narrow table of
-- their own, for the query service's revenue, geography and cohort LTV answers: about 1 event in
-- 50, with only the columns those answers read and filter on.
-- Exact under duplicates the same way as `events`: a ReplacingMergeTree on the same sorting key,
-- so an event delivered twice (a retried insert that escaped block deduplication, or the backfill
-- below overlapping the view) collapses at merge, and reading it FINAL counts it once before the
-- merge. FINAL over this table costs a fiftieth of FINAL over `events`. Sums kept as states
-- (sumState) would count such a duplicate twice, which is why this is not an AggregatingMergeTree.
CREATE TABLE IF NOT EXISTS {database}.revenue_events
(
    event_id String,
    event LowCardinality(String),
    timestamp DateTime64(3, 'UTC'),
    user_id String,
    anonymous_id String,
    session_id String,
    source_id LowCardinality(String),
    platform LowCardinality(String),
    geo_country_code LowCardinality(String),
    geo_country LowCardinality(String),
    geo_city LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    channel LowCardinality(String),
    user_tier LowCardinality(String),
    is_bot Bool,
    revenue_base Nullable(Decimal(18, 4)),
    inserted_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (toDate(timestamp), event, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.revenue_events_mv TO {database}.revenue_events AS
SELECT event_id, event, timestamp, user_id, anonymous_id, session_id, source_id, platform,
    geo_country_code, geo_country, geo_city, utm_campaign, utm_source, utm_medium, channel,
    user_tier, is_bot, revenue_base, inserted_at
FROM {database}.events
WHERE event IN ('purchase', 'order_completed', 'checkout_completed', 'refund', 'order_refunded');

-- Backfill: the events stored before the view existed. Rows the view also wrote in between are
-- duplicates by event_id, which FINAL and merges collapse.
INSERT INTO {database}.revenue_events
SELECT event_id, event, timestamp, user_id, anonymous_id, session_id, source_id, platform,
    geo_country_code, geo_country, geo_city, utm_campaign, utm_source, utm_medium, channel,
    user_tier, is_bot, revenue_base, inserted_at
FROM {database}.events
WHERE event IN ('purchase', 'order_completed', 'checkout_completed', 'refund', 'order_refunded');
