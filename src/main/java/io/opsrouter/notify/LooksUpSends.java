package io.opsrouter.notify;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * A channel whose provider can tell whether it already took a message (Twilio lists the messages it accepted). A
 * message whose claim ran out may have been sent by the claimer that died; the dispatcher asks before sending it
 * again, so a crash does not text someone twice.
 */
public interface LooksUpSends {
    /** Whether the provider took {@code m} at or after {@code since}; fails when it cannot tell (then it is sent). */
    CompletionStage<Boolean> alreadySent(RenderedMessage m, Instant since);
}
