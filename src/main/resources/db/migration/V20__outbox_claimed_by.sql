-- The replica whose claim holds a row (its Replicas id), set with claim_token. On PostgreSQL a row claimed by a
-- replica that is no longer live is due again once that replica's membership has lapsed (seconds), instead of when
-- the claim's lease ends (notify.lease, a minute): a restarted router sends what was in flight at once.
-- Rows claimed before this column existed have none and wait for their lease as before.
ALTER TABLE outbox ADD COLUMN claimed_by VARCHAR(200);
