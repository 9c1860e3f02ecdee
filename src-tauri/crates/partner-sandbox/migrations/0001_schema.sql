-- The sandbox's schema as it stood when its migrations were first numbered: the resources (apps,
-- versions), the write side (the change feed, idempotency keys, pending reviews and publications,
-- suppressions, the rules pack), the partner's live data (installations, OAuth clients, the
-- account) and the OAuth tables (tokens, device and authorization codes, stored as hashes).
-- A database made before then is at version 1 with all of these already: this file never runs on
-- it, and 0002 brings its columns up to date.

-- Resources: a version's content is its wire JSON, never queried inside.
CREATE TABLE apps (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_type TEXT NOT NULL,
    app_type TEXT NOT NULL CHECK (app_type IN ('standalone', 'atlas')),
    render TEXT NOT NULL CHECK (render IN ('portal', 'canvas')),
    sandbox INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE versions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    app_id TEXT NOT NULL REFERENCES apps(id),
    version_number TEXT NOT NULL,
    technical_status TEXT NOT NULL
        CHECK (technical_status IN ('draft', 'in_review', 'approved', 'rejected', 'available')),
    marketplace_status TEXT NOT NULL
        CHECK (marketplace_status IN ('draft', 'in_review', 'approved', 'rejected', 'advertised')),
    content TEXT NOT NULL,
    icon_media_type TEXT,
    icon_bytes BLOB,
    icon_sha256 TEXT,
    UNIQUE (app_id, version_number)
);
CREATE INDEX versions_by_app ON versions(app_id, seq);

-- The write side.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Versions Talkdesk publishes on AppConnect when due (auto mode): their marketplace review
-- approved and their technical track Available (`review::publish`).
CREATE TABLE IF NOT EXISTS pending_publications (
    version_id TEXT PRIMARY KEY,
    due_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_reviews (
    version_id TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('technical', 'marketplace')),
    due_ms INTEGER NOT NULL,
    PRIMARY KEY (version_id, track)
);
-- The warnings a partner suppressed when submitting a track (JSON list of `Suppression`), which
-- the automatic reviewer applies; replaced by the next submission of the track.
CREATE TABLE IF NOT EXISTS submission_suppressions (
    version_id TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('technical', 'marketplace')),
    suppressions TEXT NOT NULL,
    PRIMARY KEY (version_id, track)
);
-- The rules pack set by `PUT /_sandbox/rules`; absent: the shipped default is in force.
CREATE TABLE IF NOT EXISTS rules_pack (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
);

-- The partner's live data.
CREATE TABLE IF NOT EXISTS installations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    -- An app or version removed from the server takes its installations with it.
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    account_name TEXT NOT NULL,
    app_version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('installing', 'timeout', 'completed',
                                         'failed', 'rejected', 'suspended', 'revoked')),
    trial_start TEXT,
    trial_end TEXT,
    plan TEXT,
    licenses INTEGER NOT NULL CHECK (licenses >= 0),
    reason TEXT,
    update_state TEXT CHECK (update_state IN ('updating', 'failed'))
);
CREATE INDEX IF NOT EXISTS installations_by_app ON installations(app_id, seq);
CREATE TABLE IF NOT EXISTS oauth_clients (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    -- JSON arrays of strings.
    redirect_uris TEXT NOT NULL DEFAULT '[]',
    grant_types TEXT NOT NULL DEFAULT '["client_credentials"]',
    -- Lower-case hex SHA-256 of the secret; the secret itself is never stored.
    secret_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE
);
CREATE TABLE IF NOT EXISTS account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    licenses_total INTEGER NOT NULL,
    licenses_used INTEGER NOT NULL,
    free_developer INTEGER NOT NULL,
    credits_balance INTEGER NOT NULL,
    currency TEXT NOT NULL
);

-- OAuth: every token and code only as its SHA-256.
CREATE TABLE IF NOT EXISTS oauth_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    family TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    spent INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS oauth_tokens_by_family ON oauth_tokens(family);
CREATE TABLE IF NOT EXISTS oauth_device_codes (
    device_code_hash TEXT PRIMARY KEY,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    interval_ms INTEGER NOT NULL,
    last_poll_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'used'))
);
CREATE TABLE IF NOT EXISTS oauth_authorization_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    family TEXT
);
