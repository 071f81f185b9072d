-- A channel claims its oldest due rows: one ordered index range per status, so a claim costs the rows it takes,
-- not the whole backlog (outbox_due served this by reading every due row and sorting them).
CREATE INDEX outbox_claim ON outbox (channel, status, created_at, id);
