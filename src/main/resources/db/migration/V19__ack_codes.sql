-- Short acknowledgement links (io.opsrouter.alert.AckCodes): a message carries {publicUrl}/a/<code>, 8 Crockford
-- base32 characters from SecureRandom, instead of the 120-character signed token it stands for. The token keeps
-- deciding what the link acknowledges and until when; expires_at is the token's own expiry, kept so that expired
-- rows can be deleted (a week after they expire: until then the link still says it expired rather than unknown).
CREATE TABLE ack_codes (
    code        VARCHAR(16)   PRIMARY KEY,
    token       VARCHAR(2000) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ack_codes_expires ON ack_codes (expires_at);

-- How an alert was acknowledged (link, sms, api), next to who (acked_by): notices say both.
ALTER TABLE alerts ADD COLUMN acked_via VARCHAR(20);
