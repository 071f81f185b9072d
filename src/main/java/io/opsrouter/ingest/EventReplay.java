package io.opsrouter.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.alert.AlertIntake;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Takes each signed event once: its nonce (the event's {@code id} with its {@code source} when it has one, otherwise
 * its signature) is claimed in the store, shared by every replica, before the signals go to the pipeline. A repeat
 * within the window is answered 200 {@code {"status":"duplicate","accepted":0}} and changes nothing; when the
 * pipeline cannot store the event, the nonce is given back so that the sender's retry is taken.
 */
public final class EventReplay {
    static final String VERIFIED = "eventVerified";
    static final String RAW = "eventRaw";

    private final EventNonces nonces;
    private final IngestMeters meters;

    public EventReplay(EventNonces nonces, IngestMeters meters) {
        this.nonces = nonces;
        this.meters = meters;
    }

    @SuppressWarnings("unchecked")
    public void acceptOnce(Exchange exchange) {
        List<Signal> signals = exchange.getMessage().getBody(List.class);
        EventSignature.Verified v = exchange.getProperty(VERIFIED, EventSignature.Verified.class);
        if (v == null) throw new IllegalStateException("acceptOnce runs after ingestGate.readSigned");
        String nonce = nonce(exchange.getProperty(RAW, byte[].class), v);
        if (!nonces.claim(nonce, v.expiresAt())) {
            ApiErrors.json(exchange, 200, Map.of("status", "duplicate", "accepted", 0));
            String endpoint = exchange.getProperty(IngestAnswers.ENDPOINT, "events", String.class);
            meters.refused(endpoint, "duplicate");
            meters.request(endpoint, 200);
            exchange.setRouteStop(true);
            return;
        }
        try {
            intake(exchange).accept(signals);
        } catch (RuntimeException e) {
            nonces.release(nonce);
            throw e;
        }
    }

    /** "id:" + SHA-256 of source and id when the event names its id, else "sig:" + its signature. */
    static String nonce(byte[] raw, EventSignature.Verified v) {
        try {
            JsonNode e = raw == null ? null : Json.MAPPER.readTree(raw);
            if (e != null && e.path("id").isTextual() && !e.path("id").asText().isEmpty()) {
                String key = e.path("source").asText("") + "\n" + e.path("id").asText();
                return "id:"
                        + HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(key.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } catch (IOException ignored) {
            // the payload was parsed before this step; an unreadable one has no id
        }
        return "sig:" + v.signatureHex();
    }

    private static AlertIntake intake(Exchange exchange) {
        AlertIntake intake =
                exchange.getContext().getRegistry().lookupByNameAndType(AlertIntake.BEAN, AlertIntake.class);
        if (intake == null) throw new IllegalStateException("no " + AlertIntake.BEAN + " bean");
        return intake;
    }
}
