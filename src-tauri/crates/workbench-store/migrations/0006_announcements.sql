-- Who has announced each review outcome. Every process that syncs records the feed's events
-- (the first to read a change records it), so announcing only what one's own sync recorded
-- lost outcomes to the other process: a `pwb sync` took what the desktop app should notify, the
-- app's background sync took what `pwb status --watch` should print. Each announcer now has its
-- own mark on the timeline: `notified_at` (the desktop app's notifications, also set for a
-- kind the partner has turned off, so turning it back on replays nothing) and `watched_at`
-- (`pwb status --watch`). Both are set in the transaction that takes the events, so an outcome
-- is announced once by each. The outcomes recorded before this migration were announced (or
-- not) by the old rule: they are marked now, so an upgrade does not replay history.
ALTER TABLE timeline ADD COLUMN notified_at TEXT;  -- RFC 3339, when the desktop app took it
ALTER TABLE timeline ADD COLUMN watched_at TEXT;   -- RFC 3339, when `pwb status --watch` took it

UPDATE timeline
SET notified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    watched_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');

CREATE INDEX timeline_unnotified ON timeline (id) WHERE kind = 'reviewed' AND notified_at IS NULL;
CREATE INDEX timeline_unwatched ON timeline (id) WHERE kind = 'reviewed' AND watched_at IS NULL;
