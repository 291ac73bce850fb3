-- The query service's machine clients and the shop's marketing spend.

-- API tokens for /api/v1 of the query service: only a SHA-256 hash of each token is stored; the
-- token itself is shown once by `query/cli/tokens.ts create`.
CREATE TABLE IF NOT EXISTS query_api_tokens (
    token_id    text PRIMARY KEY,
    name        text NOT NULL,
    token_hash  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at  timestamptz
);

-- What the shop spent on a campaign (its utm_campaign value) on one day, for CPA and ROAS.
CREATE TABLE IF NOT EXISTS campaign_spend (
    campaign   text NOT NULL,
    day        date NOT NULL,
    amount     numeric(14, 2) NOT NULL CHECK (amount >= 0),
    currency   char(3) NOT NULL DEFAULT 'USD',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign, day)
);
