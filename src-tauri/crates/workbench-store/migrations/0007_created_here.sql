-- Apps and versions created in the tool carry a local id ('local-…') until the server answers;
-- then every reference moves to the server's id in one transaction (src/created.rs), and the old
-- id is kept here, so a command or an exported pwb.toml that names it still finds it.
CREATE TABLE id_aliases (
    old_id  TEXT PRIMARY KEY,
    new_id  TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('app', 'version')),
    at      TEXT NOT NULL  -- RFC 3339, when the server's id arrived
) STRICT;

-- The app's fields as the server last sent them (JSON of workbench_domain::App): what an edit of
-- the app's own fields merges from, three ways, like a version's base. NULL: never received.
ALTER TABLE apps ADD COLUMN base TEXT;
