package io.opsrouter.outbox;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The channels a notification can be addressed to: the one list of names that escalation policies, templates,
 * the outbox and the delivery side share. Each says whom it reaches, so the alert side can address a person
 * without knowing how the channel sends. The delivery side finds the class that sends each by its name
 * ({@code sms} is {@code io.opsrouter.notify.channel.SmsChannel}; {@code io.opsrouter.notify.Channels}): adding a
 * channel is that class and one line here.
 */
public enum ChannelName {
    SLACK("slack", Reach.NOBODY),
    EMAIL("email", Reach.EMAIL),
    SMS("sms", Reach.PHONE),
    WEBHOOK("webhook", Reach.NOBODY),
    /** Always on: it also takes what is addressed to a channel that is not configured. */
    LOG("log", Reach.NOBODY);

    /** Whom a message on the channel goes to: a person's phone, a person's e-mail address, or no person (a room, a file). */
    public enum Reach {
        NOBODY,
        PHONE,
        EMAIL
    }

    private final String id;
    private final Reach reach;

    ChannelName(String id, Reach reach) {
        this.id = id;
        this.reach = reach;
    }

    /** The name written in settings, templates, the outbox and meters: {@code slack}, {@code sms}... */
    @JsonValue
    public String id() {
        return id;
    }

    public Reach reach() {
        return reach;
    }

    /** Whether a message on this channel goes to a person (so a policy step must say to whom). */
    public boolean personal() {
        return reach != Reach.NOBODY;
    }

    /** Whether the channel can reach this person: a phone for SMS, an address for e-mail; anyone elsewhere. */
    public boolean reaches(Recipient r) {
        return switch (reach) {
            case PHONE -> r != null && r.phone() != null;
            case EMAIL -> r != null && r.email() != null;
            case NOBODY -> true;
        };
    }

    /** Where a message to {@code r} goes: the phone for SMS, the address for e-mail; for others, whichever the person has. */
    public String address(Recipient r) {
        if (r == null) return null;
        return switch (reach) {
            case PHONE -> r.phone();
            case EMAIL -> r.email();
            case NOBODY -> r.phone() != null ? r.phone() : r.email();
        };
    }

    public static Optional<ChannelName> parse(String id) {
        if (id == null) return Optional.empty();
        for (ChannelName c : values()) if (c.id.equals(id)) return Optional.of(c);
        return Optional.empty();
    }

    /** The channel named {@code id}; an unknown name is an error that lists the known ones. */
    @JsonCreator
    public static ChannelName of(String id) {
        return parse(id)
                .orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not a channel; use one of " + ids()));
    }

    /** The names, in a stable order, for messages: {@code slack, email, sms, webhook, log}. */
    public static String ids() {
        return String.join(", ", idList());
    }

    public static List<String> idList() {
        return Arrays.stream(values()).map(ChannelName::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
