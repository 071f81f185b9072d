package io.opsrouter.ingest;

import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;

/** Requests the tests send: vectors from src/test/resources/ingest, signed events. */
final class IngestHttp {
    private IngestHttp() {}

    static String vector(String name) {
        try {
            return Files.readString(RouterHarness.REPO.resolve("src/test/resources/ingest/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpRequest.Builder post(RouterHarness router, String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static HttpRequest.Builder post(RouterHarness router, String path, String body) {
        return post(router, path, body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpRequest.Builder signed(RouterHarness router, String secret, long timestamp, byte[] body) {
        byte[] mac = hmac(secret, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        return post(router, "/webhooks/events", body)
                .header("X-Timestamp", Long.toString(timestamp))
                .header("X-Signature", "sha256=" + HexFormat.of().formatHex(mac));
    }

    /** Computed here, apart from the router's code: HMAC-SHA256 over "<timestamp>." then the raw body. */
    static byte[] hmac(String secret, byte[] prefix, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> send(RouterHarness router, HttpRequest.Builder request) {
        return router.send(request);
    }
}
