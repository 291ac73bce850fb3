-- Operational store for business-critical events, normalized, every write idempotent.

-- Sources own write keys; only a SHA-256 hash of each key is stored.
CREATE TABLE IF NOT EXISTS sources (
    source_id      text PRIMARY KEY,
    name           text NOT NULL,
    platform       text NOT NULL DEFAULT 'web',
    write_key_hash text NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);

CREATE TABLE IF NOT EXISTS users (
    user_id      text PRIMARY KEY,
    tier         text NOT NULL DEFAULT 'free',
    signup_at    timestamptz,
    country_code text,
    traits       jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Anonymous id → known user, learnt from identify, signup and alias calls.
CREATE TABLE IF NOT EXISTS identities (
    anonymous_id text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (user_id),
    linked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS identities_user_id ON identities (user_id);

CREATE TABLE IF NOT EXISTS products (
    product_id text PRIMARY KEY,
    name       text,
    category   text,
    price      numeric(14, 2),
    currency   char(3) NOT NULL DEFAULT 'USD',
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id  text PRIMARY KEY,
    name         text NOT NULL,
    -- The campaign matches an event whose utm_campaign equals this, or any event when null.
    utm_campaign text,
    channel      text,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);

-- Exchange rates to the base currency (USD): amount_base = amount * rate_to_base.
CREATE TABLE IF NOT EXISTS currency_rates (
    currency     char(3) PRIMARY KEY,
    rate_to_base numeric(18, 8) NOT NULL CHECK (rate_to_base > 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sessions (
    session_id   text PRIMARY KEY,
    user_id      text REFERENCES users (user_id),
    anonymous_id text,
    platform     text,
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions (user_id);

CREATE TABLE IF NOT EXISTS orders (
    order_id      text PRIMARY KEY,
    event_id      text NOT NULL UNIQUE,
    user_id       text REFERENCES users (user_id),
    anonymous_id  text,
    session_id    text REFERENCES sessions (session_id),
    status        text NOT NULL DEFAULT 'paid',
    total         numeric(14, 2) NOT NULL,
    currency      char(3) NOT NULL,
    total_base    numeric(14, 2),
    base_currency char(3) NOT NULL DEFAULT 'USD',
    campaign      text,
    channel       text,
    city          text,
    country_code  text,
    created_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);
CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at);

CREATE TABLE IF NOT EXISTS order_items (
    order_id   text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no    integer NOT NULL,
    product_id text NOT NULL REFERENCES products (product_id),
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(14, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX IF NOT EXISTS order_items_product_id ON order_items (product_id);

CREATE TABLE IF NOT EXISTS signups (
    user_id    text PRIMARY KEY REFERENCES users (user_id),
    event_id   text NOT NULL UNIQUE,
    method     text,
    platform   text,
    source_id  text,
    signed_up_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS reviews (
    event_id   text PRIMARY KEY,
    user_id    text REFERENCES users (user_id),
    product_id text NOT NULL REFERENCES products (product_id),
    rating     smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       text,
    created_at timestamptz NOT NULL
);

-- Every business-critical event, whatever its type, for the admin console's activity feed.
CREATE TABLE IF NOT EXISTS business_events (
    event_id     text PRIMARY KEY,
    event        text NOT NULL,
    user_id      text REFERENCES users (user_id),
    anonymous_id text,
    session_id   text,
    occurred_at  timestamptz NOT NULL,
    properties   jsonb NOT NULL DEFAULT '{}'::jsonb,
    city         text,
    country_code text,
    platform     text,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS business_events_occurred_at ON business_events (occurred_at DESC);
CREATE INDEX IF NOT EXISTS business_events_user_id ON business_events (user_id);
