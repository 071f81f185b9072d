-- Every backup the router took or tried: what, when, where, how big, its checksum and whether it verified.
CREATE TABLE backup_catalogue (
    id             VARCHAR(200) PRIMARY KEY,
    backup_type    VARCHAR(20)  NOT NULL,
    status         VARCHAR(20)  NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE,
    snapshot_at    TIMESTAMP WITH TIME ZONE,
    size_bytes     BIGINT,
    sha256         VARCHAR(64),
    verified       BOOLEAN      NOT NULL,
    rows_total     BIGINT,
    path           TEXT,
    error          TEXT,
    deleted_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX backup_catalogue_type_time ON backup_catalogue (backup_type, snapshot_at);
