-- Publishing on AppConnect is Talkdesk's step (Partner Project FAQ §15: "once your marketing
-- content has been approved by Talkdesk, it is published"), no longer a partner's action: an
-- `advertise` entry queued by an older version of the tool has no route to go to, and is
-- dropped. A publication is announced like a review outcome (the desktop notification and
-- `pwb status --watch`); those recorded before this migration count as announced, so an
-- upgrade replays nothing, and the indexes of what is left to announce cover both kinds.
DELETE FROM outbox WHERE operation = 'advertise';

UPDATE timeline
SET notified_at = COALESCE(notified_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    watched_at = COALESCE(watched_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
WHERE kind = 'advertised';

DROP INDEX timeline_unnotified;
DROP INDEX timeline_unwatched;
CREATE INDEX timeline_unnotified ON timeline (id)
    WHERE kind IN ('reviewed', 'advertised') AND notified_at IS NULL;
CREATE INDEX timeline_unwatched ON timeline (id)
    WHERE kind IN ('reviewed', 'advertised') AND watched_at IS NULL;
