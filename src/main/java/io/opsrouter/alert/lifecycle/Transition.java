package io.opsrouter.alert.lifecycle;

import java.util.List;

/** The state an event leads to and the messages it causes. */
public record Transition(AlertState before, AlertState after, List<Message> messages) {
    /** Whether the event changed the alert (an unchanged alert is not written back). */
    public boolean changed() {
        return !before.equals(after);
    }

    public boolean sends(Message m) {
        return messages.contains(m);
    }
}
