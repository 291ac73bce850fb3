-- Rollups for dashboards. Each keeps exact-distinct states keyed by event_id or user, so an
-- event delivered twice (a retried insert that escaped block deduplication) counts once.
CREATE TABLE IF NOT EXISTS {database}.events_hourly
(
    hour DateTime('UTC'),
    event LowCardinality(String),
    platform LowCardinality(String),
    geo_country_code LowCardinality(String),
    events AggregateFunction(uniqExact, String),
    users AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, event, platform, geo_country_code);

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.events_hourly_mv TO {database}.events_hourly AS
SELECT
    toStartOfHour(timestamp) AS hour,
    event,
    platform,
    geo_country_code,
    uniqExactState(event_id) AS events,
    uniqExactState(if(user_id != '', user_id, anonymous_id)) AS users
FROM {database}.events
GROUP BY hour, event, platform, geo_country_code;

CREATE TABLE IF NOT EXISTS {database}.daily_active_users
(
    day Date,
    platform LowCardinality(String),
    users AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, platform);

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.daily_active_users_mv TO {database}.daily_active_users AS
SELECT
    toDate(timestamp) AS day,
    platform,
    uniqExactState(if(user_id != '', user_id, anonymous_id)) AS users
FROM {database}.events
WHERE NOT is_bot
GROUP BY day, platform;
