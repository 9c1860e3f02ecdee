-- The first schema of the offline cache. Migrations are never edited once landed; a change is a
-- new numbered file. The outbox is never dropped by a migration: it holds edits not yet sent.

CREATE TABLE apps (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    created_type  TEXT NOT NULL,
    app_type      TEXT NOT NULL,
    render        TEXT NOT NULL,
    sandbox       INTEGER NOT NULL DEFAULT 0
) STRICT;
-- The app list is ordered by name: this index saves sorting the apps at every start.
CREATE INDEX apps_by_name ON apps (display_name COLLATE NOCASE, id);

-- A version's working copy (what the partner sees and edits) and, beside it, the untouched copy
-- last received from the server (`base`, with its `etag`) that three-way merges start from.
CREATE TABLE versions (
    id                  TEXT PRIMARY KEY,
    app_id              TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    version_number      TEXT NOT NULL,
    -- Orders versions numerically ("1.10.0" after "1.9.0"); see workbench_domain::version_sort_key.
    sort_key            TEXT NOT NULL,
    technical_status    TEXT NOT NULL,
    marketplace_status  TEXT NOT NULL,
    general             TEXT NOT NULL,  -- JSON of workbench_domain::General
    technical           TEXT NOT NULL,  -- JSON of workbench_domain::Technical
    marketplace         TEXT NOT NULL,  -- JSON of workbench_domain::Marketplace
    etag                TEXT,           -- the server's ETag of `base`; NULL if never on the server
    base                TEXT            -- JSON of the server's AppVersion (content, plans, status)
) STRICT;
CREATE INDEX versions_by_app ON versions (app_id, sort_key);

CREATE TABLE plans (
    version_id       TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    type             TEXT NOT NULL,
    license_type     TEXT NOT NULL,
    name             TEXT NOT NULL,
    price            INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    listing_summary  TEXT NOT NULL DEFAULT '',
    min_licenses     INTEGER NOT NULL,
    max_licenses     INTEGER NOT NULL,
    trial_days       INTEGER,
    PRIMARY KEY (version_id, position)
) STRICT;

CREATE TABLE icons (
    version_id   TEXT PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
    media_type   TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    -- The checksum of the server's icon this one was received as; an upload is needed only
    -- when `sha256` differs from it.
    base_sha256  TEXT
) STRICT;

-- Local edits waiting to be sent, in order. Written in the same transaction as the edit itself.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    resource         TEXT NOT NULL,
    operation        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
) STRICT;

-- One row: where the change feed was left, and when and from where the cache was last filled.
CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    cursor          TEXT,
    server          TEXT,
    last_synced_at  TEXT
) STRICT;
INSERT INTO sync_state (id) VALUES (1);
