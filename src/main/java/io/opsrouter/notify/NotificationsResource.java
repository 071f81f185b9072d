package io.opsrouter.notify;

import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.ApiRequest;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.DeadLetters;
import io.opsrouter.outbox.DeadLetters.Entry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/notifications}: the outbox's rows by status (dead by default) and the retry by hand of a dead one.
 * Routes in {@code routes/api-notifications.yaml}; the caller is authenticated before these run.
 */
public final class NotificationsResource {
    public static final String BEAN = "notificationsResource";
    private static final Logger LOG = LoggerFactory.getLogger(NotificationsResource.class);
    private static final Pattern ID = Pattern.compile("[0-9]{1,19}");

    private final DeadLetters dead;
    private final Clock clock;

    public NotificationsResource(DeadLetters dead, Clock clock) {
        this.dead = dead;
        this.clock = clock;
    }

    /** {@code GET /api/notifications?status=dead&channel=sms&limit=100&before=ID} */
    public void list(Exchange ex) {
        String status = Optional.ofNullable(ApiRequest.param(ex, "status")).orElse("dead");
        if (!DeadLetters.STATUSES.contains(status)) {
            ApiErrors.respond(ex, 400, "status must be one of " + String.join(", ", DeadLetters.STATUSES), "status");
            return;
        }
        ChannelName channel = null;
        String ch = ApiRequest.param(ex, "channel");
        if (ch != null) {
            channel = ChannelName.parse(ch).orElse(null);
            if (channel == null) {
                ApiErrors.respond(ex, 400, "channel must be one of " + ChannelName.ids(), "channel");
                return;
            }
        }
        int limit = 100;
        String l = ApiRequest.param(ex, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
                if (limit < 1 || limit > DeadLetters.MAX_LIMIT) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                ApiErrors.respond(ex, 400, "limit must be a number from 1 to " + DeadLetters.MAX_LIMIT, "limit");
                return;
            }
        }
        Long before = null;
        String b = ApiRequest.param(ex, "before");
        if (b != null) {
            before = id(b);
            if (before == null) {
                ApiErrors.respond(
                        ex, 400, "before must be a notification id (a whole number) from a previous page", "before");
                return;
            }
        }
        List<Entry> rows = dead.list(status, channel, before, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("notifications", rows);
        body.put("count", rows.size());
        // the next page: rows older than the last one here, when this page is full
        body.put("before", rows.size() == limit ? rows.get(rows.size() - 1).id() : null);
        Map<String, Long> deadBy = new LinkedHashMap<>();
        dead.countByChannel().forEach((c, n) -> deadBy.put(c.id(), n));
        body.put("dead", deadBy);
        ApiErrors.json(ex, 200, body);
    }

    /** {@code POST /api/notifications/{id}/retry}: a dead notification back in its channel's queue, due now. */
    public void retry(Exchange ex) {
        String raw = ApiRequest.param(ex, "id");
        Long id = id(raw);
        if (id == null) {
            ApiErrors.respond(ex, 400, "the id must be a notification id, a whole number such as 42", "id");
            return;
        }
        DeadLetters.Retry r = dead.retry(id, clock.instant());
        switch (r.outcome()) {
            case UNKNOWN -> ApiErrors.respond(ex, 404, "no notification with id " + id, "id");
            case NOT_DEAD ->
                ApiErrors.respond(
                        ex,
                        409,
                        "notification " + id + " is " + r.entry().status()
                                + ", not dead: only a dead notification can be" + " retried",
                        "id");
            case RETRIED -> {
                Entry e = r.entry();
                LOG.info(
                        "notification {} ({} {} {}{}) retried by hand: pending again, due now",
                        id,
                        e.severity(),
                        e.kind(),
                        e.channel(),
                        e.recipient() == null ? "" : " to " + e.recipient());
                ApiErrors.json(ex, 200, e);
            }
        }
    }

    /** A notification id, or null when the text is not one (not digits, or more than a long holds). */
    static Long id(String s) {
        if (s == null || !ID.matcher(s).matches()) return null;
        try {
            long v = Long.parseLong(s);
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
