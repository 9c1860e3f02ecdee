-- The review timeline of each version, as the change feed told it: submitted, withdrawn,
-- reviewed (with the track, the decision and the reviewer's feedback), made available,
-- advertised. Written in the same transaction as the feed read that brought it, cursor
-- included, and keyed by the change's own feed cursor, so a feed page read twice (a pull that
-- failed after reading it) records nothing twice. No foreign key to `versions`: a full pull
-- swaps the versions table and the history stays. Never edited once landed.
CREATE TABLE timeline (
    id          INTEGER PRIMARY KEY,
    cursor      TEXT NOT NULL UNIQUE,  -- the change's position in the feed
    version_id  TEXT NOT NULL,
    app_id      TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind IN ('submitted', 'withdrawn', 'reviewed', 'made_available', 'advertised')),
    at          TEXT,                  -- RFC 3339, the change's `at` (absent when the server gave none)
    track       TEXT CHECK (track IN ('technical', 'marketplace')),
    decision    TEXT CHECK (decision IN ('approved', 'rejected')),
    feedback    TEXT NOT NULL DEFAULT '[]'  -- JSON: [{field, message, rule?}]
) STRICT;

CREATE INDEX timeline_by_version ON timeline (version_id, id);

-- Which kinds of review outcome the partner wants a desktop notification for. A kind with no
-- row is on.
CREATE TABLE notification_prefs (
    kind     TEXT PRIMARY KEY CHECK (kind IN ('approved', 'rejected')),
    enabled  INTEGER NOT NULL CHECK (enabled IN (0, 1))
) STRICT;
