-- A lesser notification folded into a digest (status 'folded') names the digest that stood for it, so an operator
-- can tell what a "37 more alerts" message held (GET /api/notifications?status=folded).
ALTER TABLE outbox ADD COLUMN folded_into VARCHAR(200);
