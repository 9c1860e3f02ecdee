-- Two-way sync: conflicts the partner resolves, the history that undo walks back, and outbox
-- entries the server refused for good. Migrations are never edited once landed.

-- A field both the partner and the server changed differently since the last sync: the
-- partner keeps theirs, takes the server's or edits. Values are JSON; `null` is "absent".
CREATE TABLE conflicts (
    version_id   TEXT NOT NULL,
    field        TEXT NOT NULL,
    base         TEXT NOT NULL,
    mine         TEXT NOT NULL,
    theirs       TEXT NOT NULL,
    detected_at  TEXT NOT NULL,
    PRIMARY KEY (version_id, field)
) STRICT;

-- The server's icon while an icon conflict is open (the partner replaced the icon, and so did
-- the server, differently): kept so that "take theirs" needs no network.
CREATE TABLE icon_conflicts (
    version_id  TEXT PRIMARY KEY,
    media_type  TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    sha256      TEXT NOT NULL
) STRICT;

-- Every local edit of a version's content, newest last: what it replaced, so undo can put it
-- back. Kept after the edit is sent (undo is then one more edit).
CREATE TABLE edits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id  TEXT NOT NULL,
    summary     TEXT NOT NULL,
    before      TEXT NOT NULL,  -- JSON of workbench_domain::VersionContent
    after       TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX edits_by_version ON edits (version_id, id);

-- An entry the server refused for a reason a retry cannot fix (a locked track, a failed
-- validation) waits, held, for the partner: retry it or discard it. `last_error` says why.
ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_by_resource ON outbox (resource, id);
