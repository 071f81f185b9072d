package io.opsrouter.notify.channel;

import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.RenderedMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;

/**
 * Twilio SMS over its REST API with camel-http: {@code POST {api}/2010-04-01/Accounts/{sid}/Messages.json},
 * form fields To, From and Body, basic auth SID:token. Twilio has no idempotency key for sending, so the
 * dispatcher marks a row sent as soon as Twilio accepted it and never sends an accepted row again.
 * A 4xx other than 429 (a bad number, an unverified sender, bad credentials) is not retried.
 */
public final class SmsChannel implements Channel {
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
        this.messagesUrl = apiUrl.replaceAll("/+$", "") + "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = from;
        this.http = http;
    }

    @Override
    public String name() { return "sms"; }

    @Override
    public boolean batchMarks() {
        return false;
    }

    @Override
    public void start(CamelContext camel) {
        http.start(camel);
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        if (m.recipient() == null || m.recipient().phone() == null || m.recipient().phone().isBlank()) {
            throw ChannelException.permanent("no_recipient", "an SMS needs a recipient with a phone number");
        }
        String body = "To=" + enc(m.recipient().phone()) + "&From=" + enc(from) + "&Body=" + enc(SmsSegment.fit(m.text(), maxSegments));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
        headers.put("Authorization", authorization);
        headers.put("Accept", "application/json");
        http.post(messagesUrl, headers, body);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
