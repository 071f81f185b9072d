-- Demo schema of the calls business: what the business checks in config/monitors.yaml query.
-- Loaded by the tests and the compose stack. Safe to run twice.

CREATE TABLE IF NOT EXISTS customers (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT,
    email       TEXT,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

-- priority: P1 = emergency (flooding, burst pipe), P2 = urgent, P3 = routine.
-- status: new -> in_progress -> processed, or failed when the call could not be handled.
CREATE TABLE IF NOT EXISTS calls (
    id            BIGSERIAL PRIMARY KEY,
    customer_id   BIGINT REFERENCES customers (id),
    priority      VARCHAR(2) NOT NULL CHECK (priority IN ('P1', 'P2', 'P3')),
    status        VARCHAR(16) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'processed', 'failed')),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    processed_at  TIMESTAMP WITH TIME ZONE,
    summary       TEXT
);
CREATE INDEX IF NOT EXISTS calls_received_at ON calls (received_at);
CREATE INDEX IF NOT EXISTS calls_open_priority ON calls (priority, received_at) WHERE status IN ('new', 'in_progress');

CREATE TABLE IF NOT EXISTS invoices (
    id            BIGSERIAL PRIMARY KEY,
    call_id       BIGINT REFERENCES calls (id),
    customer_id   BIGINT REFERENCES customers (id),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents >= 0),
    issued_at     TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS invoices_issued_at ON invoices (issued_at);
