package io.opsrouter.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.BearerAuth;
import io.opsrouter.app.Json;
import io.opsrouter.config.Durations;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * The alert API ({@code /api/alerts}, {@code /api/silences}, behind {@code Authorization: Bearer $ROUTER_API_TOKEN})
 * and the acknowledgement link page ({@code /ack/{token}}, no API key: the signed token is the permission).
 */
public final class AlertApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertApi.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Pattern ACTOR = Pattern.compile("[\\p{L}\\p{N} ._@+'()-]{1,100}");

    private final AlertEngine engine;
    private final BearerAuth auth;

    public AlertApi(AlertEngine engine, BearerAuth auth) {
        this.engine = engine;
        this.auth = auth;
    }


    // ---- the doors: every answer is JSON (or the ack page), never a stack trace ----

    public void alerts(Exchange ex) { guard(ex, this::doAlerts, false); }

    public void alert(Exchange ex) { guard(ex, this::doAlert, false); }

    public void acknowledge(Exchange ex) { guard(ex, this::doAcknowledge, false); }

    public void resolve(Exchange ex) { guard(ex, this::doResolve, false); }

    public void silences(Exchange ex) { guard(ex, this::doSilences, false); }

    public void silence(Exchange ex) { guard(ex, this::doSilence, false); }

    public void ackLink(Exchange ex) { guard(ex, this::doAckLink, true); }

    private static void guard(Exchange ex, java.util.function.Consumer<Exchange> handler, boolean html) {
        try {
            handler.accept(ex);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed: {}", method(ex), ex.getMessage().getHeader(Exchange.HTTP_PATH, String.class), e.toString());
            if (html) page(ex, 503, "Try again", "<p>The router could not do that just now. Try again in a minute.</p>");
            else ApiErrors.respond(ex, 503, "the router could not do that just now (" + e.getClass().getSimpleName() + "); try again", null);
        }
    }

    // ---- /api/alerts ----

    private void doAlerts(Exchange ex) {
        if (!authorized(ex)) return;
        String status = header(ex, "status");
        if (status != null && !List.of("pending", "firing", "acknowledged", "resolved").contains(status)) {
            ApiErrors.respond(ex, 400, "status must be pending, firing, acknowledged or resolved", "status");
            return;
        }
        Severity severity;
        try {
            severity = Severity.parse(header(ex, "severity"));
        } catch (IllegalArgumentException e) {
            ApiErrors.respond(ex, 400, e.getMessage(), "severity");
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : headers(ex, "label")) {
            int eq = l.indexOf('=');
            if (eq <= 0 || !YamlFile.LABEL_NAME.matcher(l.substring(0, eq)).matches()) {
                ApiErrors.respond(ex, 400, "label filters are written name=value, e.g. label=service=frontend", "label");
                return;
            }
            labels.put(l.substring(0, eq), l.substring(eq + 1));
        }
        int limit = 100;
        String l = header(ex, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
                if (limit < 1 || limit > 1000) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                ApiErrors.respond(ex, 400, "limit must be a number from 1 to 1000", "limit");
                return;
            }
        }
        List<Map<String, Object>> alerts = engine.list(status, severity, labels, limit);
        ApiErrors.json(ex, 200, Map.of("alerts", alerts, "count", alerts.size()));
    }

    private void doAlert(Exchange ex) {
        if (!authorized(ex)) return;
        Map<String, Object> a = engine.get(header(ex, "id"));
        if (a == null) ApiErrors.respond(ex, 404, "no alert with id " + header(ex, "id"), "id");
        else ApiErrors.json(ex, 200, a);
    }

    private void doAcknowledge(Exchange ex) {
        act(ex, true);
    }

    private void doResolve(Exchange ex) {
        act(ex, false);
    }

    private void act(Exchange ex, boolean ack) {
        if (!authorized(ex)) return;
        JsonNode body = jsonBody(ex, !ack);
        if (body == null && ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) != null) return;
        JsonNode byNode = body == null ? null : body.get("by");
        if (byNode != null && !byNode.isNull() && !byNode.isTextual()) {
            ApiErrors.respond(ex, 400, "by must be a string: {\"by\": \"your name\"}", "by");
            return;
        }
        String by = byNode == null || byNode.isNull() ? null : byNode.asText();
        if (by == null && ack) {
            ApiErrors.respond(ex, 400, "say who acknowledges: {\"by\": \"your name\"}", "by");
            return;
        }
        if (by == null) by = "api";
        if (!ACTOR.matcher(by).matches()) {
            ApiErrors.respond(ex, 400, "by must be 1 to 100 letters, digits, spaces or . _ @ + ' ( ) -", "by");
            return;
        }
        String id = header(ex, "id");
        AlertEngine.Outcome o = ack ? engine.acknowledge(List.of(id), by) : engine.resolve(List.of(id), by);
        if (!o.notFound().isEmpty()) {
            ApiErrors.respond(ex, 404, "no alert with id " + id, "id");
        } else if (!o.resolved().isEmpty()) {
            ApiErrors.respond(ex, 409, "alert " + id + " is already resolved", "id");
        } else {
            ApiErrors.json(ex, 200, engine.get(id));
        }
    }

    // ---- /api/silences ----

    private void doSilences(Exchange ex) {
        if (!authorized(ex)) return;
        if ("POST".equals(method(ex))) {
            createSilence(ex);
            return;
        }
        boolean all = "true".equals(header(ex, "all"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Silence s : engine.silences(all)) out.add(AlertJson.of(s));
        ApiErrors.json(ex, 200, Map.of("silences", out, "count", out.size()));
    }

    private void doSilence(Exchange ex) {
        if (!authorized(ex)) return;
        String id = header(ex, "id");
        if (!engine.expireSilence(id)) ApiErrors.respond(ex, 404, "no silence with id " + id, "id");
        else ApiErrors.json(ex, 200, Map.of("id", id, "expired", true));
    }

    private void createSilence(Exchange ex) {
        JsonNode b = jsonBody(ex, false);
        if (b == null) return;
        if (!b.isObject()) {
            ApiErrors.respond(ex, 400, "the body must be a JSON object", null);
            return;
        }
        Map<String, String> match;
        Map<String, String> matchRe;
        try {
            match = labelMap(b.get("match"), "match", false);
            matchRe = labelMap(b.get("matchRe"), "matchRe", true);
        } catch (BadField e) {
            ApiErrors.respond(ex, 400, e.getMessage(), e.field);
            return;
        }
        if (match.isEmpty() && matchRe.isEmpty()) {
            ApiErrors.respond(ex, 400, "a silence needs match or matchRe labels, e.g. {\"match\": {\"service\": \"frontend\"}}", "match");
            return;
        }
        Instant now = engine.clock().instant();
        Instant starts;
        Instant ends;
        try {
            starts = b.hasNonNull("startsAt") ? Instant.parse(b.get("startsAt").asText()) : now;
        } catch (DateTimeParseException e) {
            ApiErrors.respond(ex, 400, "startsAt must be an RFC 3339 time such as 2026-11-24T22:00:00Z", "startsAt");
            return;
        }
        try {
            if (b.hasNonNull("endsAt")) {
                ends = Instant.parse(b.get("endsAt").asText());
            } else if (b.hasNonNull("duration")) {
                Duration d = Durations.parse(b.get("duration").asText());
                ends = starts.plus(d);
            } else {
                ApiErrors.respond(ex, 400, "say when the silence ends: endsAt (RFC 3339) or duration (e.g. 2h)", "endsAt");
                return;
            }
        } catch (DateTimeParseException e) {
            ApiErrors.respond(ex, 400, "endsAt must be an RFC 3339 time such as 2026-11-24T23:00:00Z", "endsAt");
            return;
        } catch (IllegalArgumentException e) {
            ApiErrors.respond(ex, 400, e.getMessage(), "duration");
            return;
        }
        if (!ends.isAfter(starts) || !ends.isAfter(now)) {
            ApiErrors.respond(ex, 400, "the silence must end after it starts and in the future", "endsAt");
            return;
        }
        String by = b.hasNonNull("createdBy") && b.get("createdBy").isTextual() ? b.get("createdBy").asText() : null;
        if (by == null || !ACTOR.matcher(by).matches()) {
            ApiErrors.respond(ex, 400, "createdBy must name who silences (1 to 100 letters, digits, spaces or . _ @ + ' ( ) -)", "createdBy");
            return;
        }
        String comment = b.hasNonNull("comment") ? b.get("comment").asText() : null;
        if (comment != null && comment.length() > 1000) {
            ApiErrors.respond(ex, 400, "comment is longer than 1000 characters", "comment");
            return;
        }
        Silence s = engine.silence(match, matchRe, starts, ends, by, comment);
        ApiErrors.json(ex, 201, AlertJson.of(s));
    }

    private static final class BadField extends Exception {
        final String field;

        BadField(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private static Map<String, String> labelMap(JsonNode n, String field, boolean regex) throws BadField {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) return out;
        if (!n.isObject()) throw new BadField(field, field + " must be an object of label names to values");
        for (var it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!YamlFile.LABEL_NAME.matcher(e.getKey()).matches()) {
                throw new BadField(field, field + " holds a name that is not a label name (letters, digits and _, not starting with a digit)");
            }
            if (!e.getValue().isTextual()) throw new BadField(field + "." + e.getKey(), "label values are strings");
            String v = e.getValue().asText();
            if (v.length() > 1000) throw new BadField(field + "." + e.getKey(), "label value longer than 1000 characters");
            if (regex) {
                try {
                    LabelMatcher.compile(v);
                } catch (IllegalArgumentException ex) {
                    throw new BadField(field + "." + e.getKey(), field + "." + e.getKey() + " " + ex.getMessage()
                            + " (RE2 syntax: no look-around, back-references or possessive quantifiers)");
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    // ---- /ack/{token}: a GET shows, only a POST acknowledges (link previews fetch URLs) ----

    private void doAckLink(Exchange ex) {
        String token = header(ex, "token");
        Instant now = engine.clock().instant();
        AckTokens.Check check = engine.tokens().check(token, now);
        if (check instanceof AckTokens.Refused r) {
            page(ex, r.status(), "Link refused", "<p>" + esc(r.reason()) + "</p>");
            return;
        }
        List<String> ids = engine.ackTargets((AckTokens.Valid) check);
        if (!"POST".equals(method(ex))) {
            StringBuilder sb = new StringBuilder("<ul>");
            for (Map<String, Object> a : engine.describe(ids)) {
                sb.append("<li><b>").append(esc(String.valueOf(a.get("severity")))).append("</b> ")
                        .append(esc(String.valueOf(a.get("summary")))).append(" <i>(").append(esc(String.valueOf(a.get("status"))))
                        .append(")</i></li>");
            }
            sb.append("</ul><form method=\"post\"><label>Your name <input name=\"by\" maxlength=\"100\" autocomplete=\"name\"></label>")
                    .append(" <button type=\"submit\">Acknowledge</button></form>");
            page(ex, 200, "Acknowledge alert", sb.toString());
            return;
        }
        String by = formField(ex, "by");
        if (by == null || by.isBlank()) by = "ack link";
        by = by.strip();
        if (!ACTOR.matcher(by).matches()) {
            page(ex, 400, "Name refused", "<p>Use 1 to 100 letters, digits or spaces for your name.</p>");
            return;
        }
        AlertEngine.Outcome o = engine.acknowledge(ids, by);
        int done = o.changed().size() + o.unchanged().size();
        String text = done > 0 ? "Acknowledged by " + by + ": escalation stopped for " + done + " alert" + (done == 1 ? "" : "s") + "."
                : "Nothing to acknowledge: the alert is already resolved.";
        page(ex, 200, "Acknowledged", "<p>" + esc(text) + "</p>");
    }

    private static void page(Exchange ex, int status, String title, String body) {
        ex.getMessage().setHeaders(new java.util.HashMap<>());
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        ex.getMessage().setHeader("Cache-Control", "no-store");
        ex.getMessage().setHeader("Referrer-Policy", "no-referrer");
        ex.getMessage().setHeader("X-Robots-Tag", "noindex");
        ex.getMessage().setBody("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,"
                + "initial-scale=1\"><title>" + esc(title) + " - ops-router</title></head><body style=\"font-family:sans-serif;"
                + "max-width:40em;margin:1em auto;padding:0 1em\"><h1>" + esc(title) + "</h1>" + body + "</body></html>");
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---- helpers ----

    private boolean authorized(Exchange ex) {
        if (!auth.enabled()) {
            ApiErrors.respond(ex, 401, "the alert API is off until ROUTER_API_TOKEN is set: set it in the router's environment and send"
                    + " Authorization: Bearer <token>", "Authorization");
            return false;
        }
        if (!auth.accepts(ex.getMessage().getHeader("Authorization", String.class))) {
            ApiErrors.respond(ex, 401, "send Authorization: Bearer <ROUTER_API_TOKEN>", "Authorization");
            return false;
        }
        return true;
    }

    /** The JSON body, or null (having answered 400/413) when it is unusable; null without an answer when empty and optional. */
    private static JsonNode jsonBody(Exchange ex, boolean optional) {
        String text = ex.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            if (optional) return null;
            ApiErrors.respond(ex, 400, "the body must be a JSON object", null);
            return null;
        }
        if (text.length() > MAX_BODY) {
            ApiErrors.respond(ex, 413, "the body is larger than 64 KiB", null);
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                ApiErrors.respond(ex, 400, "the body must be a JSON object", null);
                return null;
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ApiErrors.respond(ex, 400, "the body is not valid JSON: " + e.getOriginalMessage(), null);
            return null;
        }
    }

    private static String method(Exchange ex) {
        return ex.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
    }

    private static String header(Exchange ex, String name) {
        List<String> all = headers(ex, name);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<String> headers(Exchange ex, String name) {
        Object v = ex.getMessage().getHeader(name);
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) c.forEach(o -> out.add(String.valueOf(o)));
        else if (v != null) out.add(String.valueOf(v));
        return out;
    }

    private static String formField(Exchange ex, String name) {
        String body = ex.getMessage().getBody(String.class);
        if (body != null && body.length() <= MAX_BODY) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && name.equals(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return header(ex, name);
    }
}
