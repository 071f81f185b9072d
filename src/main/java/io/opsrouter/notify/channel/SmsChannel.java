package io.opsrouter.notify.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.LooksUpSends;
import io.opsrouter.notify.RenderedMessage;
import io.opsrouter.outbox.ChannelName;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Twilio SMS over its REST API: {@code POST {api}/2010-04-01/Accounts/{sid}/Messages.json},
 * form fields To, From and Body, basic auth SID:token, sent without blocking a thread. Twilio has no idempotency
 * key for sending: the dispatcher marks each row sent as soon as Twilio accepted it and never sends an accepted
 * row again, and before sending a row whose claimer died it asks Twilio whether it already took that text
 * ({@code GET Messages.json?To=&From=}, the newest 1,000 first).
 * A 4xx other than 429 (a bad number, an unverified sender, bad credentials) is not retried.
 */
public final class SmsChannel implements Channel, LooksUpSends {
    private static final Pattern TWILIO_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private final String apiUrl;
    private final String messagesUrl;
    private final String authorization;
    private final String from;
    private final HttpPost http;
    private final int maxSegments;

    public SmsChannel(String apiUrl, String accountSid, String authToken, String from, HttpPost http) {
        this(apiUrl, accountSid, authToken, from, http, SmsSegment.DEFAULT_MAX_SEGMENTS);
    }

    /** {@code maxSegments}: the most SMS segments one message is sent as (longer text is cut at a word with an ellipsis). */
    public SmsChannel(String apiUrl, String accountSid, String authToken, String from, HttpPost http, int maxSegments) {
        this.maxSegments = maxSegments;
        this.apiUrl = apiUrl.replaceAll("/+$", "");
        this.messagesUrl = this.apiUrl + "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
        this.authorization = "Basic "
                + Base64.getEncoder().encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = from;
        this.http = http;
    }

    /** On when any TWILIO_ variable is set; then the SID, the token and the sending number are all needed. */
    public static Optional<Channel> configure(ChannelSetup s) {
        Optional<String> sid = s.string("notify.twilio.account-sid", "TWILIO_ACCOUNT_SID");
        Optional<String> token = s.secret("notify.twilio.auth-token", "TWILIO_AUTH_TOKEN");
        Optional<String> from = s.string("notify.twilio.from-number", "TWILIO_FROM_NUMBER");
        if (sid.isEmpty() && token.isEmpty() && from.isEmpty()) return Optional.empty();
        String all = "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER";
        if (sid.isEmpty()) {
            throw ChannelSetup.refuse(
                    "TWILIO_ACCOUNT_SID",
                    "is not set but other TWILIO_ variables are: SMS is half-configured",
                    "set " + all + ", or none of them to turn SMS off");
        }
        if (token.isEmpty()) {
            throw ChannelSetup.refuse(
                    "TWILIO_AUTH_TOKEN",
                    "is not set: SMS is half-configured",
                    "set TWILIO_AUTH_TOKEN to the account's auth token, or unset " + all);
        }
        if (from.isEmpty()) {
            throw ChannelSetup.refuse(
                    "TWILIO_FROM_NUMBER",
                    "is not set: SMS is half-configured",
                    "set TWILIO_FROM_NUMBER to the Twilio number in E.164, e.g. +15145550100");
        }
        if (!TWILIO_SID.matcher(sid.get()).matches()) {
            throw ChannelSetup.refuse(
                    "TWILIO_ACCOUNT_SID",
                    "'" + sid.get() + "' is not a Twilio account SID",
                    "copy the SID from the Twilio console: AC followed by 32 hex digits");
        }
        if (!ChannelSetup.E164.matcher(from.get()).matches()) {
            throw ChannelSetup.refuse(
                    "TWILIO_FROM_NUMBER",
                    "'" + from.get() + "' is not a phone number in E.164",
                    "write it as + country code and number, e.g. +15145550100");
        }
        String api = s.string("notify.twilio.api-url", "TWILIO_API_URL").orElse("https://api.twilio.com");
        ChannelSetup.requireHttpUrl("TWILIO_API_URL", api, "https://api.twilio.com, or your test server");
        int maxSegments = s.settings()
                .integer("notify.twilio.max-segments", "TWILIO_MAX_SEGMENTS", SmsSegment.DEFAULT_MAX_SEGMENTS, 1, 10);
        return Optional.of(new SmsChannel(api, sid.get(), token.get(), from.get(), s.http(), maxSegments));
    }

    @Override
    public ChannelName name() {
        return ChannelName.SMS;
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        HttpPost.await(sendAsync(m, Runnable::run));
    }

    @Override
    public CompletionStage<Void> sendAsync(RenderedMessage m, Executor blocking) {
        if (m.recipient() == null
                || m.recipient().phone() == null
                || m.recipient().phone().isBlank()) {
            return CompletableFuture.failedFuture(
                    ChannelException.permanent("no_recipient", "an SMS needs a recipient with a phone number"));
        }
        String body = "To=" + enc(m.recipient().phone()) + "&From=" + enc(from) + "&Body="
                + enc(SmsSegment.fit(m.text(), maxSegments));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
        headers.put("Authorization", authorization);
        headers.put("Accept", "application/json");
        return http.postAsync(messagesUrl, headers, body).thenApply(answer -> null);
    }

    @Override
    public CompletionStage<Boolean> alreadySent(RenderedMessage m, Instant since) {
        if (m.recipient() == null || m.recipient().phone() == null) return CompletableFuture.completedFuture(false);
        String text = withoutLateness(SmsSegment.fit(m.text(), maxSegments));
        URI first =
                URI.create(messagesUrl + "?To=" + enc(m.recipient().phone()) + "&From=" + enc(from) + "&PageSize=1000");
        // Twilio's date_created has whole seconds
        return lookUp(first, text, since.minusSeconds(1), MAX_PAGES);
    }

    /** One page of Twilio's list, newest first; the next page only while this one reached back to {@code since}. */
    private CompletionStage<Boolean> lookUp(URI page, String text, Instant since, int pagesLeft) {
        Map<String, String> headers = Map.of("Authorization", authorization, "Accept", "application/json");
        return http.getAsync(page, headers).thenCompose(json -> {
            JsonNode list;
            try {
                list = Json.MAPPER.readTree(json);
            } catch (Exception e) {
                throw new CompletionException(
                        ChannelException.retryable("bad_response", "Twilio's message list: " + e.getMessage(), e));
            }
            boolean older = false;
            for (JsonNode sent : list.path("messages")) {
                String created = sent.path("date_created").asText("");
                if (created.isEmpty()) continue;
                Instant at = ZonedDateTime.parse(created, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                if (at.isBefore(since)) older = true;
                else if (text.equals(withoutLateness(sent.path("body").asText("")))) {
                    return CompletableFuture.completedFuture(true);
                }
            }
            String next = list.path("next_page_uri").asText("");
            if (older || next.isEmpty() || next.equals("null") || pagesLeft <= 1)
                return CompletableFuture.completedFuture(false);
            return lookUp(URI.create(apiUrl + next), text, since, pagesLeft - 1);
        });
    }

    /** How many pages of 1,000 a lookup reads at most: far more than one number is sent in a lease at 1/s. */
    private static final int MAX_PAGES = 5;

    /** The text less "sent 2 min late": a message sent again after a crash says how late it is now, not then. */
    static String withoutLateness(String text) {
        return LATENESS.matcher(text).replaceAll("");
    }

    private static final Pattern LATENESS = Pattern.compile("(; )?sent [^;\\n]{1,40} late");

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
