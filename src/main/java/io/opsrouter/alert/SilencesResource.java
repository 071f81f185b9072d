package io.opsrouter.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.ApiRequest;
import io.opsrouter.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code /api/silences}: list, create, expire. Routes in {@code routes/api.yaml}; the caller is authenticated before these run. */
public final class SilencesResource {
    private final AlertEngine engine;

    public SilencesResource(AlertEngine engine) {
        this.engine = engine;
    }

    /** {@code GET /api/silences[?all=true]} */
    public void list(Exchange ex) {
        boolean all = "true".equals(ApiRequest.param(ex, "all"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Silence s : engine.silences(all)) out.add(AlertJson.of(s));
        ApiErrors.json(ex, 200, Map.of("silences", out, "count", out.size()));
    }

    /** {@code DELETE /api/silences/{id}} */
    public void expire(Exchange ex) {
        String id = ApiRequest.param(ex, "id");
        if (!engine.expireSilence(id)) ApiErrors.respond(ex, 404, "no silence with id " + id, "id");
        else ApiErrors.json(ex, 200, Map.of("id", id, "expired", true));
    }

    /** {@code POST /api/silences} with match / matchRe, startsAt, endsAt or duration, createdBy, comment. */
    public void create(Exchange ex) {
        JsonNode b = ApiRequest.jsonObject(ex, false);
        if (b == null) return;
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
            ApiErrors.respond(
                    ex,
                    400,
                    "a silence needs match or matchRe labels, e.g. {\"match\": {\"service\": \"frontend\"}}",
                    "match");
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
                ApiErrors.respond(
                        ex, 400, "say when the silence ends: endsAt (RFC 3339) or duration (e.g. 2h)", "endsAt");
                return;
            }
        } catch (DateTimeParseException e) {
            ApiErrors.respond(ex, 400, "endsAt must be an RFC 3339 time such as 2026-11-24T23:00:00Z", "endsAt");
            return;
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            ApiErrors.respond(ex, 400, e.getMessage(), "duration");
            return;
        }
        if (!ends.isAfter(starts) || !ends.isAfter(now)) {
            ApiErrors.respond(ex, 400, "the silence must end after it starts and in the future", "endsAt");
            return;
        }
        String by = b.hasNonNull("createdBy") && b.get("createdBy").isTextual()
                ? b.get("createdBy").asText()
                : null;
        if (by == null || !AlertsResource.ACTOR.matcher(by).matches()) {
            ApiErrors.respond(
                    ex,
                    400,
                    "createdBy must name who silences (1 to 100 letters, digits, spaces or . _ @ + ' ( ) -)",
                    "createdBy");
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
                throw new BadField(
                        field,
                        field
                                + " holds a name that is not a label name (letters, digits and _, not starting with a digit)");
            }
            if (!e.getValue().isTextual()) throw new BadField(field + "." + e.getKey(), "label values are strings");
            String v = e.getValue().asText();
            if (v.length() > 1000)
                throw new BadField(field + "." + e.getKey(), "label value longer than 1000 characters");
            if (regex) {
                try {
                    LabelMatcher.compile(v);
                } catch (IllegalArgumentException ex) {
                    throw new BadField(
                            field + "." + e.getKey(),
                            field + "." + e.getKey() + " " + ex.getMessage()
                                    + " (RE2 syntax: no look-around, back-references or possessive quantifiers)");
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
