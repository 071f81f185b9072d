-- Signed events already taken (issue 18): an event id (or, without one, the event's signature) is kept until
-- its timestamp leaves the accepted window, so a captured event replayed to any replica is answered as a
-- duplicate and changes nothing. Rows past expires_at are deleted as new events arrive.
CREATE TABLE event_nonces (
    nonce      VARCHAR(100) PRIMARY KEY,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX event_nonces_expiry ON event_nonces (expires_at);
