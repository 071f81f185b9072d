package io.opsrouter.alert;

import java.util.Locale;

/** How a person acknowledged: the link in a message, a reply to an SMS, or the API. Notices say it. */
public enum AckVia {
    LINK,
    SMS,
    API;

    /** As stored in {@code alerts.acked_via} and shown to templates ({@code annotations.acknowledged_via}). */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }
}
