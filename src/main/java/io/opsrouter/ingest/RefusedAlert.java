package io.opsrouter.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alert of a batch the router did not take, while the others were stored: its index in the batch, its
 * {@code alertname} when it has a readable one, the field at fault and why. Nothing of the sender's is echoed
 * but the alert name, with control characters and broken surrogates replaced by {@code ?}.
 */
public record RefusedAlert(int index, String alertname, String field, String error) {
    /** The exchange property the doors leave the refusals of a partly accepted batch in. */
    static final String PROPERTY = "ingestRefusedAlerts";

    private static final int MAX_NAME = 128;

    static RefusedAlert of(int index, JsonNode alert, IngestRefusal refusal) {
        JsonNode name = alert == null ? null : alert.path("labels").path("alertname");
        String alertname = name != null && name.isTextual() ? printable(name.textValue()) : null;
        return new RefusedAlert(index, alertname, refusal.field(), refusal.getMessage());
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        if (alertname != null) m.put("alertname", alertname);
        m.put("field", field);
        m.put("error", error);
        return m;
    }

    /** The text without control characters or lone surrogates, cut at {@value #MAX_NAME} characters: safe in a log line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_NAME));
        for (int i = 0; i < s.length() && b.length() < MAX_NAME; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
