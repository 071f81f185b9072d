package io.opsrouter.alert;

import java.util.List;

/**
 * Where signals enter the alert pipeline. When {@link #accept} returns, every signal is committed to the
 * state store (or deliberately dropped, e.g. silenced, with the reason counted): a webhook may answer 2xx.
 * Accepting the same signals twice must not make two alerts or two notifications.
 * Bound in Camel's registry as {@code alertIntake}; {@code routes/signals.yaml} feeds it from {@link Signal#ENDPOINT}.
 */
public interface AlertIntake {
    String BEAN = "alertIntake";

    void accept(List<Signal> signals);

    /**
     * Throws {@link IntakeBusyException} when a queue of writes is already waiting and none of the signals fires a
     * P1 (a P1 is always taken, and written ahead of that queue). For the HTTP doors, before {@link #accept}.
     */
    default void admit(List<Signal> signals) {}

    default void acceptOne(Signal signal) {
        accept(List.of(signal));
    }
}
