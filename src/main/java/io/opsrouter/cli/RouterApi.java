package io.opsrouter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.config.Env;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The running router's HTTP API, for commands that act on a router while it runs: {@code ROUTER_URL} (default
 * {@value #DEFAULT_URL}) and the API token from {@code ROUTER_API_TOKEN}, never from an option (a command line is
 * visible to every user of the machine). Going through the router rather than opening its store works beside a
 * running router on the embedded store (one process owns that file) and lets the router wake the channel itself.
 */
final class RouterApi {
    static final String DEFAULT_URL = "http://localhost:8080";
    static final String URL_ENV = "ROUTER_URL";
    static final String TOKEN_ENV = "ROUTER_API_TOKEN";

    /** A setting the command cannot go on without; exit 2. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** The router could not be asked (not running, not answering, not JSON); exit 1. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    /** An answer: its status and JSON body (an empty object when it had none). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The router's error text, with the status. */
        String error() {
            String e = body.path("error").asText("");
            return (e.isEmpty() ? "the router answered" : e) + " (HTTP " + status + ")";
        }
    }

    private final String base;
    private final String token;
    private final HttpClient http;

    private RouterApi(String base, String token) {
        this.base = base;
        this.token = token;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    static RouterApi from(Env env) throws Unusable {
        String url = env.getOrDefault(URL_ENV, DEFAULT_URL).replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new Unusable(URL_ENV + " '" + url + "' is not an http(s) URL: set it to the router's address, e.g. "
                    + DEFAULT_URL);
        }
        String token = env.get(TOKEN_ENV)
                .orElseThrow(() -> new Unusable(TOKEN_ENV + " is not set: set it to the router's API token (the"
                        + " same value the router runs with)"));
        return new RouterApi(url, token);
    }

    String base() {
        return base;
    }

    Answer get(String path) throws Unreachable {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String path) throws Unreachable {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Answer send(HttpRequest.Builder request) throws Unreachable {
        HttpResponse<String> r;
        try {
            r = http.send(
                    request.header("Authorization", "Bearer " + token)
                            .header("Accept", "application/json")
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the router at " + base + " (is it running? set " + URL_ENV + ")");
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the router at " + base + " did not answer in time");
        } catch (IOException e) {
            throw new Unreachable("cannot talk to the router at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        String text = r.body();
        if (text == null || text.isBlank()) return new Answer(r.statusCode(), Json.MAPPER.createObjectNode());
        try {
            return new Answer(r.statusCode(), Json.MAPPER.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Unreachable("the server at " + base + " answered HTTP " + r.statusCode()
                    + " with something that is not JSON: is " + URL_ENV + " the router's address?");
        }
    }
}
