package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading alerts for the API and the acknowledgement page; the firing gauge. */
final class AlertQueries {
    private final AlertContext ctx;

    AlertQueries(AlertContext ctx) {
        this.ctx = ctx;
    }

    void refreshMeters() {
        ctx.meters.refresh(ctx.store, ctx.alerts);
    }

    /** Newest first; {@code status} as stored ({@code firing}...), label filters matched exactly. */
    List<Map<String, Object>> list(String status, Severity severity, Map<String, String> labels, int limit) {
        Status wanted = status == null ? null : Status.ofColumn(status);
        // label filters are checked on the decoded labels; read a wider page when they narrow the result
        int page = labels.isEmpty() ? limit : Math.max(limit, 5000);
        List<AlertRow> rows = ctx.store.read(c -> ctx.alerts.list(c, wanted, severity, page));
        List<Map<String, Object>> out = new ArrayList<>();
        for (AlertRow r : rows) {
            if (!labels.entrySet().stream().allMatch(e -> e.getValue().equals(r.labels.get(e.getKey())))) continue;
            out.add(AlertJson.of(r));
            if (out.size() >= limit) break;
        }
        return out;
    }

    /** The alert with its history, or null. */
    Map<String, Object> get(String id) {
        return ctx.store.read(c -> {
            AlertRow r = ctx.alerts.byId(c, id);
            if (r == null) return null;
            Map<String, Object> m = AlertJson.of(r);
            List<Map<String, Object>> history = new ArrayList<>();
            for (AlertHistory.Event e : ctx.history.of(c, id)) history.add(AlertJson.of(e));
            m.put("history", history);
            return m;
        });
    }

    /** The alerts an acknowledgement link means: those it names, or its group's alerts announced by its moment. */
    List<String> ackTargets(AckTokens.Valid v) {
        if (v.groupId() == null) return v.alertIds();
        return ctx.store.read(c -> ctx.alerts.announcedInGroup(c, v.groupId(), v.announcedBy(), 1000)).stream()
                .map(a -> a.id)
                .sorted()
                .toList();
    }

    /** Short descriptions of alerts for the acknowledgement page. */
    List<Map<String, Object>> describe(List<String> ids) {
        return ctx.store.read(c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String id : ids) {
                AlertRow r = ctx.alerts.byId(c, id);
                if (r != null) out.add(AlertJson.of(r));
            }
            return out;
        });
    }
}
