-- Delivery marks each message when its receiver answers, and claims the most severe due messages first.
-- claim_token fences a claim: a claimer marks, renews or releases only the rows still holding its token, so a send
-- that outlived its lease cannot be marked by the claimer that lost it.
ALTER TABLE outbox ADD COLUMN claim_token VARCHAR(36);
-- One ordered index range per channel, status and severity: a claim of P1 rows costs the rows it takes, however
-- deep the backlog of lesser ones. It also serves every (channel, status) lookup outbox_claim served.
CREATE INDEX outbox_claim_severity ON outbox (channel, status, severity, created_at, id);
DROP INDEX IF EXISTS outbox_claim;
