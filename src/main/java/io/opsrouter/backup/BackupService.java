package io.opsrouter.backup;

import io.opsrouter.alert.Signal;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one backup end to end: write the archive, verify it, record it in the catalogue, apply retention, set the
 * meters and raise or resolve the P1 signals. Routes call {@link #run(String)} on their cron; the CLI calls it by hand.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    public static final String BEAN = "backupService";

    private final BackupSettings settings;
    private final Env env;
    private final Catalogue catalogue;
    private final BackupMeters meters;
    private final BackupAlerts alerts;
    private final Clock clock;
    private final String version;
    private final Instant startedAt;
    private final ArchiveSigning signing;
    private final ReentrantLock running = new ReentrantLock();
    private volatile io.opsrouter.store.Leases leases;
    private volatile java.util.function.BiFunction<Path, BackupSettings, ArchiveVerifier.Report> verifier =
            (archive, s) -> ArchiveVerifier.verify(archive, s.workers(), false, ArchiveTrust.ownArchive(signing()));

    public BackupService(
            BackupSettings settings,
            Env env,
            Catalogue catalogue,
            io.micrometer.core.instrument.MeterRegistry registry,
            Consumer<Signal> signals,
            Clock clock,
            String version) {
        this.settings = settings;
        this.env = env;
        this.catalogue = catalogue;
        this.meters = new BackupMeters(registry);
        this.alerts = new BackupAlerts(signals);
        this.clock = clock;
        this.version = version;
        this.startedAt = clock.instant();
        this.signing = ArchiveSigning.fromEnv(env).orElse(null);
    }

    /** The key archives are signed with; null when {@value ArchiveSigning#ENV} is not set (archives are then unsigned). */
    ArchiveSigning signing() {
        return signing;
    }

    /** With several replicas on one store, only the holder of the backup lease runs a scheduled backup. */
    void leases(io.opsrouter.store.Leases l) {
        this.leases = l;
    }

    /** Tests put a step between writing and verifying (to damage the archive on purpose). */
    void verifier(java.util.function.BiFunction<Path, BackupSettings, ArchiveVerifier.Report> v) {
        this.verifier = v;
    }

    void signals(Consumer<Signal> sink) {
        alerts.sink(sink);
    }

    public BackupSettings settings() {
        return settings;
    }

    /** Takes a backup of the named type; returns the archive path. Throws (after alerting) when it failed. */
    public String run(String type) {
        return runOnce(BackupType.parse(type), settings).archive().toString();
    }

    public BackupWriter.Result runOnce(BackupType type, BackupSettings s) {
        if (!running.tryLock()) {
            throw new BackupException(
                    "busy", "another backup is running in this process; backup " + type.label() + " skipped");
        }
        Instant start = clock.instant();
        try {
            BackupWriter.Result r;
            try {
                SourceDb db = type.hasDatabase() ? SourceDb.fromEnv(env) : null;
                Instant since = type == BackupType.INCREMENTAL ? since(s) : null;
                if (type == BackupType.INCREMENTAL && since == null) {
                    LOG.info("no full backup yet to build an incremental on: taking a full backup instead");
                    type = BackupType.FULL;
                }
                BackupWriter writer =
                        new BackupWriter(s, db, SecretMasker.from(env, s.secretEnv()), clock, version, signing);
                r = writer.write(type, since);
            } catch (SettingsException e) {
                fail(type, start, "settings", e.getMessage(), null);
                throw new BackupException("settings", e.getMessage(), e);
            } catch (BackupException e) {
                fail(type, start, e.reason(), e.getMessage(), null);
                throw e;
            } catch (RuntimeException e) {
                fail(type, start, "error", "backup " + type.label() + " failed: " + e, null);
                throw e;
            }
            ArchiveVerifier.Report report = verifier.apply(r.archive(), s);
            if (!report.ok()) {
                Path aside = r.archive().resolveSibling(r.archive().getFileName() + ".unverified");
                try {
                    Files.move(r.archive(), aside);
                    Files.deleteIfExists(r.archive().resolveSibling(r.archive().getFileName() + ".sha256"));
                } catch (IOException e) {
                    LOG.error("cannot move the unverified archive {} aside: {}", r.archive(), e.getMessage());
                }
                String msg = "backup " + type.label() + " did not verify: " + report.describe() + " (kept as "
                        + aside.getFileName() + ")";
                fail(type, start, "unverified", msg, r);
                throw new BackupException("unverified", msg);
            }
            Instant end = clock.instant();
            record(new Catalogue.Row(
                    r.archive().getFileName().toString(),
                    type,
                    "ok",
                    start,
                    end,
                    r.manifest().createdAt(),
                    r.sizeBytes(),
                    r.sha256(),
                    true,
                    r.manifest().totalRows(),
                    r.archive().toString(),
                    null,
                    null));
            meters.success(
                    type,
                    end.toEpochMilli() / 1000.0,
                    Duration.between(start, end).toMillis() / 1000.0,
                    r.sizeBytes(),
                    r.manifest().totalRows());
            alerts.resolve(type, BackupAlerts.FAILED, end);
            alerts.resolve(type, BackupAlerts.MISSING, end);
            applyRetention();
            return r;
        } finally {
            running.unlock();
        }
    }

    private Instant since(BackupSettings s) {
        Optional<Instant> last = Optional.empty();
        if (catalogue != null) last = catalogue.lastGoodDatabase().map(Catalogue.Row::snapshotAt);
        if (last.isEmpty()) last = newestInFolder(s.output());
        return last.orElse(null);
    }

    private static Optional<Instant> newestInFolder(Path out) {
        if (!Files.isDirectory(out)) return Optional.empty();
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().matches("(full|incremental)-.*\\.zip"))
                    .map(p -> {
                        try {
                            return ArchiveVerifier.readManifest(p).createdAt();
                        } catch (BackupException e) {
                            return null;
                        }
                    })
                    .filter(java.util.Objects::nonNull)
                    .max(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void fail(BackupType type, Instant start, String reason, String message, BackupWriter.Result r) {
        Instant end = clock.instant();
        LOG.error("{}", message);
        String id = (r == null
                ? type.label() + "-failed-" + start.toEpochMilli()
                : r.archive().getFileName().toString());
        try {
            record(new Catalogue.Row(
                    id,
                    type,
                    reason.equals("unverified") ? "unverified" : "failed",
                    start,
                    end,
                    r == null ? null : r.manifest().createdAt(),
                    r == null ? null : r.sizeBytes(),
                    r == null ? null : r.sha256(),
                    false,
                    null,
                    r == null ? null : r.archive().toString(),
                    message,
                    null));
        } catch (RuntimeException e) {
            LOG.error("cannot record the failed backup in the catalogue: {}", e.getMessage());
        }
        meters.failure(type, reason, Duration.between(start, end).toMillis() / 1000.0);
        alerts.fire(type, BackupAlerts.FAILED, "backup " + type.label() + " failed", message, end);
    }

    private void record(Catalogue.Row row) {
        if (catalogue == null) {
            LOG.warn("no state store: backup {} is not recorded in the catalogue", row.id());
            return;
        }
        catalogue.record(row);
    }

    /** Deletes the archives retention no longer keeps; returns their paths. */
    public List<Path> applyRetention() {
        List<Path> deleted = new ArrayList<>();
        if (catalogue == null) return deleted;
        Instant now = clock.instant();
        for (Catalogue.Row r : Retention.toDelete(catalogue.list(), settings, now)) {
            try {
                if (r.path() != null) {
                    Path p = Path.of(r.path());
                    Files.deleteIfExists(p);
                    Files.deleteIfExists(p.resolveSibling(p.getFileName() + ".sha256"));
                    deleted.add(p);
                }
                catalogue.markDeleted(r.id(), now);
                LOG.info("retention deleted backup {}", r.id());
            } catch (IOException e) {
                LOG.warn("retention could not delete {}: {}", r.path(), e.getMessage());
            }
        }
        return deleted;
    }

    /** Raises backup-missing for every type whose last good backup is older than its maximum age; resolves it otherwise. */
    public void checkMissing() {
        Instant now = clock.instant();
        for (BackupType type : BackupType.values()) {
            Duration max = settings.maxAge().getOrDefault(type, Duration.ZERO);
            if (max.isZero()) continue;
            Optional<Catalogue.Row> last = catalogue == null ? Optional.empty() : catalogue.lastGood(type);
            Instant ref = last.map(r -> r.finishedAt() != null ? r.finishedAt() : r.snapshotAt())
                    .orElse(startedAt);
            if (Duration.between(ref, now).compareTo(max) > 0) {
                alerts.fire(
                        type,
                        BackupAlerts.MISSING,
                        "no good " + type.label() + " backup for "
                                + Duration.between(ref, now).toMinutes() + " minutes",
                        "the last good " + type.label() + " backup is "
                                + last.map(r -> "from " + r.finishedAt()).orElse("missing")
                                + "; expected one at least every " + max,
                        now);
            }
        }
    }

    /** For a scheduled route: runs the backup and never lets the failure escape as an exception (it is alerted). */
    public String runScheduled(String type) {
        // first the lock of this process (runOnce takes it again, it is reentrant): a second trigger while a backup
        // runs
        // here would otherwise renew the lease this process holds and then release it under the running backup
        if (!running.tryLock()) return "skipped: another backup is running in this process";
        try {
            io.opsrouter.store.Leases l = leases;
            try {
                if (l != null && !l.tryAcquire("backup", Duration.ofHours(6)))
                    return "skipped: another replica is taking a backup";
            } catch (RuntimeException e) {
                return "failed: the backup lease cannot be taken: " + e.getMessage();
            }
            try {
                return run(type);
            } catch (RuntimeException e) {
                return "failed: " + e.getMessage();
            } finally {
                if (l != null) {
                    try {
                        l.release("backup");
                    } catch (RuntimeException e) {
                        LOG.warn("cannot release the backup lease: {}", e.getMessage());
                    }
                }
            }
        } finally {
            running.unlock();
        }
    }
}
