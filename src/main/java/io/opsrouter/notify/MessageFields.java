package io.opsrouter.notify;

import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.Notification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The values a template can name, taken from one notification. */
final class MessageFields {
    private MessageFields() {}

    static Map<String, String> of(Notification n) {
        Map<String, String> f = new HashMap<>();
        f.put("severity", nz(n.severity()));
        f.put("kind", n.kind() == null ? "" : n.kind().label());
        f.put("channel", n.channel() == null ? "" : n.channel().id());
        f.put("groupKey", nz(n.groupKey()));
        f.put("ackUrl", nz(n.ackUrl()));
        f.put("count", Integer.toString(n.alerts().size()));
        f.put("recipient", n.recipient() == null ? "" : nz(n.recipient().name()));
        List<AlertView> alerts = n.alerts();
        if (!alerts.isEmpty()) {
            AlertView a = alerts.get(0);
            f.put("name", nz(a.name()));
            f.put("summary", nz(a.summary()));
            f.put("runbook", nz(a.runbook()));
            f.put("status", nz(a.status()));
            f.put("fingerprint", nz(a.fingerprint()));
            f.put("id", nz(a.id()));
            f.put("firstSeen", io.opsrouter.log.LogZone.format(a.firstSeen()));
            f.put("lastSeen", io.opsrouter.log.LogZone.format(a.lastSeen()));
            f.put("labels", pairs(a.labels()));
            f.put("values", pairs(a.values()));
            f.put("annotations", pairs(a.annotations()));
            put(f, "labels.", a.labels());
            put(f, "values.", a.values());
            put(f, "annotations.", a.annotations());
        }
        f.put(
                "alerts",
                alerts.stream()
                        .map(a -> "- " + nz(a.name())
                                + (a.summary() == null || a.summary().isBlank() ? "" : ": " + a.summary())
                                + (a.labels() == null || a.labels().isEmpty() ? "" : " (" + pairs(a.labels()) + ")"))
                        .collect(Collectors.joining("\n")));
        return f;
    }

    private static void put(Map<String, String> f, String prefix, Map<String, ?> m) {
        if (m == null) return;
        m.forEach((k, v) -> f.put(prefix + k, format(v)));
    }

    private static String pairs(Map<String, ?> m) {
        if (m == null || m.isEmpty()) return "";
        return new TreeMap<>(m)
                .entrySet().stream()
                        .map(e -> e.getKey() + "=" + format(e.getValue()))
                        .collect(Collectors.joining(", "));
    }

    private static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return v == null ? "" : v.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
