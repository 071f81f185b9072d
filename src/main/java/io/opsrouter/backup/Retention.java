package io.opsrouter.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which archives retention may delete: beyond the newest N verified fulls, M verified incrementals and the config
 * backups of the last D days. Only good (verified) archives are counted and only those a newer verified backup of the
 * same type replaces are deleted; the newest verified full is never deleted. Ordered by the manifest's time.
 */
public final class Retention {
    private Retention() {}

    public static List<Catalogue.Row> toDelete(List<Catalogue.Row> rows, BackupSettings s, Instant now) {
        List<Catalogue.Row> out = new ArrayList<>();
        for (BackupType type : BackupType.values()) {
            List<Catalogue.Row> good = rows.stream()
                    .filter(r -> r.type() == type && r.good() && r.snapshotAt() != null)
                    .sorted(Comparator.comparing(Catalogue.Row::snapshotAt).reversed())
                    .toList();
            for (int i = 1; i < good.size(); i++) {
                Catalogue.Row r = good.get(i);
                boolean expired = switch (type) {
                    case FULL -> i >= s.keepFulls();
                    case INCREMENTAL -> i >= s.keepIncrementals();
                    case CONFIG -> r.snapshotAt().isBefore(now.minus(Duration.ofDays(s.keepConfigDays())));
                };
                if (expired) out.add(r);
            }
        }
        return out;
    }
}
