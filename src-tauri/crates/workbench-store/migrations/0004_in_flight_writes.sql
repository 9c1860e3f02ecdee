-- The content write a push is about to send, recorded before it leaves: when its reply never
-- arrives (the connection cut, the process killed), the next push sends exactly that write
-- again, with the same If-Match, body and Idempotency-Key, so the server answers with what it
-- did the first time instead of a 412 that would make the partner's own write look like
-- somebody else's edit. Gone once the server's answer is recorded. Never edited once landed.
CREATE TABLE in_flight (
    version_id       TEXT PRIMARY KEY,
    etag             TEXT NOT NULL,  -- the If-Match it was sent with
    idempotency_key  TEXT NOT NULL,
    body             TEXT NOT NULL   -- the JSON body, exactly as sent
) STRICT;
