package io.opsrouter.notify.channel;

import io.opsrouter.app.Json;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.RenderedMessage;
import io.opsrouter.outbox.ChannelName;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic outgoing webhook: the notification as JSON, signed with HMAC-SHA256 over
 * {@code <timestamp>.<body>} so the receiver can check who sent it and refuse replays.
 * Headers: {@code X-OpsRouter-Timestamp}, {@code X-OpsRouter-Signature: sha256=<hex>}, {@code Idempotency-Key}.
 */
public final class WebhookChannel implements Channel {
    public static final String SIGNATURE_HEADER = "X-OpsRouter-Signature";
    public static final String TIMESTAMP_HEADER = "X-OpsRouter-Timestamp";

    private final String url;
    private final byte[] secret;
    private final HttpPost http;
    private final Clock clock;
    /** The URL parsed once (null when it does not parse: each send then fails as the request could not be built). */
    private final URI uri;
    /** One keyed MAC per sending thread: looking the algorithm up and keying it cost more than the signature. */
    private final ThreadLocal<Mac> mac;

    public WebhookChannel(String url, String secret, HttpPost http, Clock clock) {
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.http = http;
        this.clock = clock;
        this.mac = ThreadLocal.withInitial(() -> keyed(this.secret));
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        this.uri = u;
    }

    /** On when WEBHOOK_URL or WEBHOOK_SECRET is set; then both are needed, the secret 16 characters or more. */
    public static Optional<Channel> configure(ChannelSetup s) {
        Optional<String> url = s.string("notify.webhook.url", "WEBHOOK_URL");
        Optional<String> secret = s.secret("notify.webhook.secret", "WEBHOOK_SECRET");
        if (url.isEmpty() && secret.isEmpty()) return Optional.empty();
        if (url.isEmpty()) {
            throw ChannelSetup.refuse(
                    "WEBHOOK_URL",
                    "is not set but WEBHOOK_SECRET is: the webhook is half-configured",
                    "set WEBHOOK_URL to the receiver's https URL, or unset WEBHOOK_SECRET");
        }
        if (secret.isEmpty()) {
            throw ChannelSetup.refuse(
                    "WEBHOOK_SECRET",
                    "is not set but WEBHOOK_URL is: messages could not be signed",
                    "set WEBHOOK_SECRET to a random string of 32 characters or more shared with the receiver");
        }
        if (secret.get().length() < 16) {
            throw ChannelSetup.refuse(
                    "WEBHOOK_SECRET",
                    "is shorter than 16 characters",
                    "use a random string of 32 characters or more (e.g. openssl rand -hex 32)");
        }
        ChannelSetup.requireHttpUrl("WEBHOOK_URL", url.get(), "the receiver's URL, e.g. https://hooks.example.com/ops");
        return Optional.of(new WebhookChannel(url.get(), secret.get(), s.http(), s.clock()));
    }

    @Override
    public ChannelName name() {
        return ChannelName.WEBHOOK;
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        HttpPost.await(sendAsync(m, Runnable::run));
    }

    @Override
    public CompletionStage<Void> sendAsync(RenderedMessage m, Executor blocking) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("idempotencyKey", m.idempotencyKey());
        body.put("kind", m.notification().kind().label());
        body.put("severity", m.severity());
        body.put("groupKey", m.notification().groupKey());
        body.put("text", m.text());
        body.put("ackUrl", m.notification().ackUrl());
        body.put("recipient", m.recipient());
        body.put("alerts", m.notification().alerts());
        // the body as UTF-8 bytes once: signed and sent as they are, with no copy of the text per step
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String ts = Long.toString(clock.instant().getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", m.idempotencyKey());
        headers.put(TIMESTAMP_HEADER, ts);
        headers.put(SIGNATURE_HEADER, "sha256=" + sign(mac.get(), ts, json));
        if (uri == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(ChannelException.permanent(
                    "bad_request", "cannot build the request: the webhook URL does not parse", null));
        }
        return http.postAsync(uri, headers, json).thenApply(answer -> null);
    }

    public static String sign(byte[] secret, String payload) {
        return sign(keyed(secret), payload);
    }

    private static String sign(Mac mac, String payload) {
        // doFinal resets the MAC to its key: the next signature starts clean
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@link #sign(byte[], String)} of {@code <timestamp>.<body>}, the body already UTF-8. */
    private static String sign(Mac mac, String timestamp, byte[] body) {
        mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) '.');
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Mac keyed(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
