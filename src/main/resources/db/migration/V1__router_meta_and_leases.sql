-- Version ranges per concern, so that each package adds its own migrations without clashing:
--   V1-V9 store, V10-V19 alerts and outbox, V20-V29 ingestion, V30-V39 backups, V40-V49 probes.

CREATE TABLE router_meta (
    meta_key   VARCHAR(100) PRIMARY KEY,
    meta_value VARCHAR(1000) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A lease lets one replica of several do a singleton job (a scheduled backup, the escalation sweep).
CREATE TABLE leases (
    lease_name VARCHAR(100) PRIMARY KEY,
    holder     VARCHAR(200) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
