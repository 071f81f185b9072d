package io.opsrouter.notify.channel;

import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.DispatchSettings;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs through camel-http (or, for a secret URL, directly) with the channels' own client: connect and response timeouts, no automatic
 * retries (the outbox retries), and non-2xx answers turned into {@link ChannelException}s.
 */
public final class HttpPost implements AutoCloseable {
    public static final String CLIENT_BEAN = "notifyHttpClient";

    private final CloseableHttpClient client;
    private ProducerTemplate producer;

    public HttpPost(Duration timeout) {
        Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(t)
                                .setSocketTimeout(t)
                                .build())
                        .setMaxConnPerRoute(DispatchSettings.MAX_CONCURRENCY)
                        .setMaxConnTotal(200)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(t)
                        .setResponseTimeout(t)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .build();
    }

    public CloseableHttpClient client() {
        return client;
    }

    public synchronized void start(CamelContext camel) {
        if (producer == null) producer = camel.createProducerTemplate();
    }

    /** Sends and returns the response body; throws for anything but 2xx. */
    public String post(String url, Map<String, String> headers, String body) throws ChannelException {
        String uri = url + (url.contains("?") ? "&" : "?")
                + "httpMethod=POST&throwExceptionOnFailure=false&httpClient=#" + CLIENT_BEAN;
        Exchange out = producer.request(uri, ex -> {
            ex.getIn().removeHeaders("*");
            headers.forEach(ex.getIn()::setHeader);
            ex.getIn().setBody(body);
        });
        Exception e = out.getException();
        if (e != null) throw classify(e);
        Integer status = out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String responseBody = out.getMessage().getBody(String.class);
        if (status == null) throw ChannelException.retryable("no_response", "no HTTP status");
        if (status >= 200 && status < 300) return responseBody;
        throw ChannelException.forHttpStatus(
                status, out.getMessage().getHeader("Retry-After", String.class), responseBody);
    }

    /**
     * Sends with the client itself rather than through a Camel endpoint: for a URL that is a secret (a Slack webhook),
     * which must not become an endpoint URI. Returns the response body; throws for anything but 2xx.
     */
    public String postDirect(String url, Map<String, String> headers, String body) throws ChannelException {
        org.apache.hc.client5.http.classic.methods.HttpPost request =
                new org.apache.hc.client5.http.classic.methods.HttpPost(url);
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Type")) request.setHeader(k, v);
        });
        request.setEntity(new StringEntity(
                body, ContentType.parse(headers.getOrDefault("Content-Type", "text/plain; charset=UTF-8"))));
        Answer answer;
        try {
            answer = client.execute(
                    request,
                    response -> new Answer(
                            response.getCode(),
                            response.getFirstHeader("Retry-After") == null
                                    ? null
                                    : response.getFirstHeader("Retry-After").getValue(),
                            response.getEntity() == null
                                    ? ""
                                    : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
        } catch (java.io.IOException | RuntimeException e) {
            throw classify(e);
        }
        if (answer.status() >= 200 && answer.status() < 300) return answer.body();
        throw ChannelException.forHttpStatus(answer.status(), answer.retryAfter(), answer.body());
    }

    private record Answer(int status, String retryAfter, String body) {}

    static ChannelException classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return ChannelException.retryable("timeout", "timed out: " + t.getMessage(), e);
            }
            if (t instanceof ConnectException)
                return ChannelException.retryable("connect", "cannot connect: " + t.getMessage(), e);
            if (t instanceof UnknownHostException)
                return ChannelException.retryable("dns", "unknown host: " + t.getMessage(), e);
            if (t.getCause() == t) break;
        }
        return ChannelException.retryable("io", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
