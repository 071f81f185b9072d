package io.opsrouter.alert.lifecycle;

/** What a transition asks to be done besides changing the state: messages to send, a group to schedule. */
public sealed interface Message {
    /** Messages without parameters (one instance each, nothing allocated per transition). */
    enum Notice implements Message {
        /** It now fires unannounced: its group's message is scheduled (group_wait, or group_interval after the last). */
        SCHEDULE,
        /** The first message: the policy's first step, in its group's message. */
        ANNOUNCE,
        /** Muted when its group's message went out: the group looks again after group_interval. */
        HELD,
        /** To everyone told: it was acknowledged. */
        ACKNOWLEDGED,
        /** To everyone told: it was resolved. */
        RESOLVED
    }

    /** The policy's step {@code step} (1 or more). */
    record Escalate(int step) implements Message {}

    /** Reminder number {@code number} (from 1) after the last step, to everyone told. */
    record Remind(int number) implements Message {}
}
