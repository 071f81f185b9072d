package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Event;
import io.opsrouter.alert.lifecycle.Lifecycle;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.alert.lifecycle.Transition;
import io.opsrouter.outbox.Notification.Kind;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What people do: acknowledge and resolve alerts (everyone told hears it), create and end silences. */
final class OperatorActions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AlertContext ctx;

    OperatorActions(AlertContext ctx) {
        this.ctx = ctx;
    }

    /** Acknowledges ({@code ack}) or resolves the alerts, locked in id order, in one transaction. */
    AlertEngine.Outcome act(List<String> ids, String by, boolean ack, AckVia via) {
        Instant now = ctx.now();
        AlertContext.Config cfg = ctx.config();
        AlertEngine.Outcome o = ctx.store.inTransaction(c -> {
            List<AlertRow> changed = new ArrayList<>();
            List<AlertRow> told = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> notFound = new ArrayList<>();
            List<String> resolved = new ArrayList<>();
            List<AlertHistory.Event> events = new ArrayList<>();
            Map<String, AlertRow> byId = new HashMap<>();
            for (AlertRow r : ctx.alerts.lockByIds(c, ids)) byId.put(r.id, r);
            for (String id : new TreeSet<>(ids)) {
                AlertRow r = byId.get(id);
                if (r == null) {
                    notFound.add(id);
                    continue;
                }
                Transition t = Lifecycle.on(
                        r.state(), ack ? new Event.Acknowledged(now, by) : new Event.Resolved(now, by, null));
                if (!t.changed()) {
                    (r.status == Status.RESOLVED ? resolved : unchanged).add(id);
                    continue;
                }
                r.apply(t);
                if (ack) r.ackedVia = (via == null ? AckVia.API : via).column();
                changed.add(r);
                if (t.sends(ack ? Notice.ACKNOWLEDGED : Notice.RESOLVED)) told.add(r);
                events.add(new AlertHistory.Event(
                        r.id, now, ack ? "acknowledged" : "resolved", null, null, by, ack ? r.ackedVia : null));
            }
            ctx.alerts.update(c, changed);
            Outgoing out = new Outgoing();
            cfg.announcer().toTold(c, ack ? Kind.ACKNOWLEDGED : Kind.RESOLVED, told, now, out);
            out.write(c, ctx, now, events);
            ctx.history.add(c, events);
            List<Map<String, Object>> views = new ArrayList<>();
            for (AlertRow r : changed) views.add(AlertJson.of(r));
            return new AlertEngine.Outcome(views, unchanged, notFound, resolved);
        });
        ctx.meters.refresh(ctx.store, ctx.alerts);
        return o;
    }

    Silence silence(
            Map<String, String> match,
            Map<String, String> matchRe,
            Instant startsAt,
            Instant endsAt,
            String createdBy,
            String comment) {
        Instant now = ctx.now();
        Silence s = new Silence(
                "s-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36),
                match,
                matchRe,
                startsAt == null ? now : startsAt,
                endsAt,
                createdBy,
                comment,
                now);
        ctx.store.inTransaction(c -> {
            ctx.silences.insert(c, s);
            return null;
        });
        return s;
    }

    List<Silence> silences(boolean includeExpired) {
        Instant now = ctx.now();
        return ctx.store.read(c -> ctx.silences.list(c, includeExpired ? null : now));
    }

    boolean expireSilence(String id) {
        Instant now = ctx.now();
        return ctx.store.inTransaction(c -> ctx.silences.expire(c, id, now));
    }
}
