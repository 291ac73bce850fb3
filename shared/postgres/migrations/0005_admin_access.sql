-- Admin console access: staff accounts with roles, server-side sessions, failed sign-ins for
-- throttling, and an audit trail of what admins changed. Prefixed admin_ so they never mix with
-- the shop's own users and sessions.

CREATE TABLE IF NOT EXISTS admin_users (
    username      text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    role          text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    -- scrypt$N$r$p$salt$hash (base64), see admin/access/password.ts.
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- Only a SHA-256 of the session id is stored: a leaked table does not hand out live cookies.
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash      text PRIMARY KEY,
    username     text NOT NULL REFERENCES admin_users (username) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS admin_sessions_username ON admin_sessions (username);

-- One row per failed sign-in; counted per username and per client address over a window.
CREATE TABLE IF NOT EXISTS admin_signin_failures (
    id        bigserial PRIMARY KEY,
    username  text NOT NULL,
    client_ip text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS admin_signin_failures_username ON admin_signin_failures (username, failed_at);
CREATE INDEX IF NOT EXISTS admin_signin_failures_ip ON admin_signin_failures (client_ip, failed_at);

CREATE TABLE IF NOT EXISTS admin_audit (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    -- Who acted: a console username, or "cli" / "start" for the command line.
    actor     text NOT NULL,
    action    text NOT NULL,
    target    text,
    details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS admin_audit_at ON admin_audit (at DESC);
