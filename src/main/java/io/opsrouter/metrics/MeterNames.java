package io.opsrouter.metrics;

/**
 * Every meter the router exposes, in one place. Names follow Prometheus conventions: the
 * {@code ops_router_} prefix, base units (seconds, bytes), and {@code _total} on counters, which
 * Micrometer adds itself, so the names here for counters leave it off.
 * Micrometer turns dots into underscores; these names use underscores already so that what is
 * written here is what Prometheus shows.
 */
public final class MeterNames {
    private MeterNames() {}

    public static final String PREFIX = "ops_router_";

    // foundation
    public static final String BUILD_INFO = PREFIX + "build";
    public static final String HTTP_REQUESTS = PREFIX + "http_requests"; // counter: endpoint, status
    public static final String ROUTE_RELOADS = PREFIX + "route_reloads"; // counter: outcome
    public static final String PIPELINE_STALLED = PREFIX + "pipeline_stalled"; // gauge 0/1: part
    public static final String PIPELINE_BUSY = PREFIX + "pipeline_busy_seconds"; // gauge: part (0 while idle)
    public static final String HTTP_CONNECTIONS = PREFIX + "http_connections"; // gauge
    public static final String HTTP_CONNECTIONS_CLOSED =
            PREFIX + "http_connections_closed"; // counter: reason (idle, request_timeout, limit, reserved)
    public static final String AUTH_FAILURES = PREFIX + "auth_failures"; // counter: door

    // probes
    public static final String PROBE_SUCCESS = PREFIX + "probe_success"; // gauge 0/1: monitor, kind
    public static final String PROBE_DURATION = PREFIX + "probe_duration_seconds"; // timer: monitor, kind
    public static final String PROBE_UP = PREFIX + "probe_up"; // gauge 0/1 after thresholds
    public static final String PROBE_VALUE = PREFIX + "probe_value"; // gauge: monitor, kind, value
    public static final String TLS_CERT_EXPIRY_DAYS = PREFIX + "tls_cert_expiry_days"; // gauge: monitor
    public static final String PROBE_START_DELAY = PREFIX + "probe_start_delay_seconds"; // timer
    public static final String SIGNALS = PREFIX + "signals"; // counter: source, state
    public static final String MONITOR_RELOADS = PREFIX + "monitor_reloads"; // counter: outcome (applied, refused)
    public static final String CONFIG_RELOADS =
            PREFIX + "config_reloads"; // counter: config (alerts, templates), outcome

    // alerts and notifications
    public static final String ALERTS_FIRING = PREFIX + "alerts_firing"; // gauge: severity
    public static final String ALERTS_RECEIVED = PREFIX + "alerts_received"; // counter: source
    public static final String NOTIFICATIONS_SENT = PREFIX + "notifications_sent"; // counter: channel
    public static final String NOTIFICATIONS_FAILED = PREFIX + "notifications_failed"; // counter: channel, reason
    public static final String OUTBOX_DEPTH = PREFIX + "outbox_depth"; // gauge
    public static final String OUTBOX_OLDEST_AGE = PREFIX + "outbox_oldest_age_seconds"; // gauge
    public static final String OUTBOX_PURGED = PREFIX + "outbox_purged"; // counter
    public static final String RATE_LIMIT_WAIT =
            PREFIX + "notify_rate_limit_wait_seconds"; // counter (seconds): channel
    public static final String NOTIFICATIONS_DEAD = PREFIX + "notifications_dead"; // gauge: channel
    public static final String NOTIFICATIONS_FOLDED = PREFIX + "notifications_folded"; // counter: channel
    public static final String NOTIFICATIONS_HANDED_OVER =
            PREFIX + "notifications_handed_over"; // counter: channel (taken from their transaction, no claim)
    public static final String ESCALATION_STEPS = PREFIX + "escalation_steps"; // counter: severity
    public static final String ALERTS_MUTED =
            PREFIX + "alerts_muted"; // counter: reason (silence, maintenance, inhibition)
    public static final String SIGNAL_TO_DELIVERY = PREFIX + "signal_to_delivery_seconds"; // timer: channel

    // ingestion
    public static final String INGEST_REQUESTS = PREFIX + "ingest_requests"; // counter: endpoint, status
    public static final String INGEST_REFUSED = PREFIX + "ingest_refused"; // counter: endpoint, reason
    public static final String INGEST_REFUSED_ALERTS = PREFIX + "ingest_refused_alerts"; // counter: endpoint
    public static final String INGEST_TRUNCATED_ALERTS = PREFIX + "ingest_truncated_alerts"; // counter

    // backups
    public static final String BACKUP_LAST_SUCCESS = PREFIX + "backup_last_success_timestamp_seconds"; // gauge: type
    public static final String BACKUP_DURATION = PREFIX + "backup_duration_seconds"; // gauge: type
    public static final String BACKUP_SIZE = PREFIX + "backup_size_bytes"; // gauge: type
    public static final String BACKUP_ROWS = PREFIX + "backup_rows"; // gauge: type
    public static final String BACKUP_VERIFIED = PREFIX + "backup_verified"; // gauge 0/1: type
    public static final String BACKUP_FAILURES = PREFIX + "backup_failures"; // counter: type, reason

    // heartbeats (io.opsrouter.heartbeat)
    public static final String HEARTBEAT_STATE =
            PREFIX + "heartbeat_state"; // gauge 0/1: heartbeat, state (new, up, started, late, down)
    public static final String HEARTBEAT_LAST_PING =
            PREFIX + "heartbeat_last_ping_timestamp_seconds"; // gauge: heartbeat
    public static final String HEARTBEAT_NEXT_EXPECTED =
            PREFIX + "heartbeat_next_expected_timestamp_seconds"; // gauge: heartbeat
    public static final String HEARTBEAT_LAST_RUN = PREFIX + "heartbeat_last_run_duration_seconds"; // gauge: heartbeat
    public static final String HEARTBEAT_PINGS = PREFIX + "heartbeat_pings"; // counter: heartbeat, kind
    public static final String HEARTBEAT_PINGS_REFUSED = PREFIX + "heartbeat_pings_refused"; // counter: reason
    public static final String WATCHDOG_LAST_SEEN = PREFIX + "watchdog_last_seen_timestamp_seconds"; // gauge: sender
    public static final String SCHEDULE_LAST_BEAT = PREFIX + "schedule_last_beat_timestamp_seconds"; // gauge: schedule
    public static final String OUTGOING_HEARTBEATS =
            PREFIX + "outgoing_heartbeats"; // counter: outcome (ok, fail, error)
    public static final String PAGING_DEGRADED = PREFIX + "paging_degraded"; // gauge 0/1: reason
    public static final String REPLICA_LEADER = PREFIX + "replica_leader"; // gauge 0/1: lease (alert-sweep)
    public static final String STORE_FILE = PREFIX + "store_file_bytes"; // gauge: the embedded store's file
    public static final String REPLICAS_LIVE = PREFIX + "replicas_live"; // gauge: replicas sharing the store
    public static final String REPLICA_MONITORS = PREFIX + "replica_monitors"; // gauge: monitors this replica polls
}
