-- Who was active on which UTC day, under every filter the query service offers: one row per day,
-- actor (user id, else anonymous id) and combination of the filter columns, with the actor's first
-- event time in it. DAU/WAU/MAU and the cohorts read it instead of every event (about one row per
-- actor session instead of one per event).
-- Exact under duplicates without FINAL: a duplicate event has the same day, actor and columns, so
-- it lands on the same key, and min(first_seen) of a row with its duplicate is the same minimum.
-- The questions only ask "is there a row" and "the least first_seen", both blind to duplicates;
-- counts of events are deliberately not kept here (a duplicate would count twice).
CREATE TABLE IF NOT EXISTS {database}.actor_days
(
    day Date,
    source_id LowCardinality(String),
    platform LowCardinality(String),
    geo_country_code LowCardinality(String),
    geo_city LowCardinality(String),
    utm_campaign LowCardinality(String),
    utm_source LowCardinality(String),
    utm_medium LowCardinality(String),
    channel LowCardinality(String),
    user_tier LowCardinality(String),
    is_bot Bool,
    actor String,
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, source_id, platform, geo_country_code, geo_city, utm_campaign, utm_source,
    utm_medium, channel, user_tier, is_bot, actor);

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.actor_days_mv TO {database}.actor_days AS
SELECT toDate(timestamp) AS day, source_id, platform, geo_country_code, geo_city, utm_campaign,
    utm_source, utm_medium, channel, user_tier, is_bot,
    if(user_id != '', user_id, anonymous_id) AS actor, min(timestamp) AS first_seen
FROM {database}.events
GROUP BY day, source_id, platform, geo_country_code, geo_city, utm_campaign, utm_source,
    utm_medium, channel, user_tier, is_bot, actor;

-- Backfill: the events stored before the view existed. Overlap with the view is harmless (see
-- above).
INSERT INTO {database}.actor_days
SELECT toDate(timestamp) AS day, source_id, platform, geo_country_code, geo_city, utm_campaign,
    utm_source, utm_medium, channel, user_tier, is_bot,
    if(user_id != '', user_id, anonymous_id) AS actor, min(timestamp) AS first_seen
FROM {database}.events
GROUP BY day, source_id, platform, geo_country_code, geo_city, utm_campaign, utm_source,
    utm_medium, channel, user_tier, is_bot, actor;
