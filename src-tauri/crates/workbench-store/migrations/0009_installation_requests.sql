-- Customers' requests waiting for the partner (Partner Project FAQ §16: Installing is "a pending
-- installation waiting for partner confirmation"; Updating ends when "the partner accepts or
-- rejects the update"), as the change feed told them. Recorded in the transaction that moves the
-- feed cursor, keyed by the change's cursor (a page read twice records nothing twice), and
-- announced like review outcomes: each announcer has its own mark, so the desktop's notification
-- and `pwb status --watch` each announce a request once, whichever process's sync read it.
-- Installations themselves are not cached (they are live data); this is only what was asked.
CREATE TABLE installation_requests (
    id               INTEGER PRIMARY KEY,
    cursor           TEXT NOT NULL UNIQUE,
    installation_id  TEXT NOT NULL,
    app_id           TEXT NOT NULL,
    version_id       TEXT NOT NULL,
    account_name     TEXT NOT NULL,
    waiting          TEXT NOT NULL CHECK (waiting IN ('installation', 'update')),
    at               TEXT,   -- RFC 3339, the change's `at`
    notified_at      TEXT,   -- RFC 3339, when the desktop app took it
    watched_at       TEXT    -- RFC 3339, when `pwb status --watch` took it
) STRICT;

CREATE INDEX installation_requests_unnotified ON installation_requests (id) WHERE notified_at IS NULL;
CREATE INDEX installation_requests_unwatched ON installation_requests (id) WHERE watched_at IS NULL;

-- The partner's switch for these notifications joins the review outcomes' switches: SQLite
-- cannot widen a CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE notification_prefs_new (
    kind     TEXT PRIMARY KEY CHECK (kind IN ('approved', 'rejected', 'requests')),
    enabled  INTEGER NOT NULL CHECK (enabled IN (0, 1))
) STRICT;
INSERT INTO notification_prefs_new (kind, enabled) SELECT kind, enabled FROM notification_prefs;
DROP TABLE notification_prefs;
ALTER TABLE notification_prefs_new RENAME TO notification_prefs;
