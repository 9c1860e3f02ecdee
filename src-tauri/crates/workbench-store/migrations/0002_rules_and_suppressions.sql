-- The rules pack last fetched from the server, and the partner's suppressions of warnings.
-- Migrations are never edited once landed; a change is a new numbered file.

-- One row at most: the pack `GET /rules` last answered, as received (unknown fields kept), with
-- where and when it came from. No row: validation uses the pack shipped with the app.
CREATE TABLE rules_pack (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    version     TEXT NOT NULL,
    json        TEXT NOT NULL,
    server      TEXT NOT NULL,
    fetched_at  TEXT NOT NULL
) STRICT;

-- A partner's decision to silence a warning on one version, with the reason recorded. Local data
-- like the outbox: no foreign key to `versions`, so a pull (which replaces every version) keeps it.
CREATE TABLE suppressions (
    version_id  TEXT NOT NULL,
    rule        TEXT NOT NULL,
    field       TEXT CHECK (field IS NULL OR field <> ''),  -- NULL: every field of the rule
    reason      TEXT NOT NULL CHECK (trim(reason) <> ''),
    created_at  TEXT NOT NULL
) STRICT;
-- One suppression per (version, rule, field); a NULL field is its own key.
CREATE UNIQUE INDEX suppressions_key ON suppressions (version_id, rule, ifnull(field, ''));
