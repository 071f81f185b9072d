-- Heartbeats (io.opsrouter.heartbeat): the last check-in of each job that pings /ping/<key> (kind 'job'), and the
-- last arrival of each sender's Watchdog alert, Alertmanager's dead man's switch (kind 'watchdog'; check_id is the
-- sender). The status (up, late, down, ...) is not stored: it follows from these times, the schedule and the grace.
CREATE TABLE heartbeats (
    check_id          VARCHAR(200) PRIMARY KEY,
    kind              VARCHAR(20)  NOT NULL,
    last_ping_at      TIMESTAMP WITH TIME ZONE,
    last_finished_at  TIMESTAMP WITH TIME ZONE,
    run_started_at    TIMESTAMP WITH TIME ZONE,
    failed            BOOLEAN      NOT NULL DEFAULT FALSE,
    exit_status       INTEGER,
    last_run_ms       BIGINT,
    last_ping_kind    VARCHAR(20),
    last_body         TEXT,
    body_truncated    BOOLEAN      NOT NULL DEFAULT FALSE,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
