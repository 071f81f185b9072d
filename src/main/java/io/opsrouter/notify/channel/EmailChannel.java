package io.opsrouter.notify.channel;

import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.RenderedMessage;
import io.opsrouter.outbox.ChannelName;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * E-mail through camel-mail over SMTP. The idempotency key becomes the Message-ID, so a receiving
 * system that de-duplicates on it shows a retried message once. An address the server refuses (5xx)
 * or a failed login is not retried; a refused connection, a timeout or a 4xx is.
 */
public final class EmailChannel implements Channel {
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String from;
    private final boolean starttls;
    private final Duration timeout;
    private ProducerTemplate producer;
    private Endpoint endpoint;

    public EmailChannel(
            String host, int port, String username, String password, String from, boolean starttls, Duration timeout) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.from = from;
        this.starttls = starttls;
        this.timeout = timeout;
    }

    /** On when SMTP_HOST or any SMTP_ variable is set; then SMTP_HOST and a valid SMTP_FROM are needed, and a whole login or none. */
    public static Optional<Channel> configure(ChannelSetup s) {
        Optional<String> host = s.string("notify.smtp.host", "SMTP_HOST");
        Optional<String> portText = s.string("notify.smtp.port", "SMTP_PORT");
        Optional<String> user = s.string("notify.smtp.username", "SMTP_USERNAME");
        Optional<String> password = s.secret("notify.smtp.password", "SMTP_PASSWORD");
        Optional<String> from = s.string("notify.smtp.from", "SMTP_FROM");
        boolean any = host.isPresent()
                || portText.isPresent()
                || user.isPresent()
                || password.isPresent()
                || from.isPresent();
        if (!any) return Optional.empty();
        String which = "SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM";
        if (host.isEmpty()) {
            throw ChannelSetup.refuse(
                    "SMTP_HOST",
                    "is not set but other SMTP_ variables are: e-mail is half-configured",
                    "set SMTP_HOST to the SMTP server's host name, or unset " + which + " to turn e-mail off");
        }
        if (from.isEmpty()) {
            throw ChannelSetup.refuse(
                    "SMTP_FROM",
                    "is not set: e-mail is half-configured",
                    "set SMTP_FROM to the sender address, e.g. ops-router@example.com");
        }
        if (!ChannelSetup.EMAIL.matcher(from.get()).matches()) {
            throw ChannelSetup.refuse(
                    "SMTP_FROM",
                    "'" + from.get() + "' is not an e-mail address",
                    "set SMTP_FROM to an address such as ops-router@example.com");
        }
        if (user.isPresent() != password.isPresent()) {
            String missing = user.isPresent() ? "SMTP_PASSWORD" : "SMTP_USERNAME";
            throw ChannelSetup.refuse(
                    missing,
                    "is not set but " + (user.isPresent() ? "SMTP_USERNAME" : "SMTP_PASSWORD")
                            + " is: the SMTP login is half-configured",
                    "set both SMTP_USERNAME and SMTP_PASSWORD, or neither");
        }
        int port = s.settings().integer("notify.smtp.port", "SMTP_PORT", 587, 1, 65535);
        boolean starttls = s.settings().bool("notify.smtp.starttls", "SMTP_STARTTLS", true);
        return Optional.of(new EmailChannel(
                host.get(),
                port,
                user.orElse(null),
                password.orElse(null),
                from.get(),
                starttls,
                s.dispatch().sendTimeout()));
    }

    @Override
    public ChannelName name() {
        return ChannelName.EMAIL;
    }

    @Override
    public synchronized void start(CamelContext camel) {
        long ms = timeout.toMillis();
        StringBuilder uri = new StringBuilder("smtp://")
                .append(host)
                .append(':')
                .append(port)
                .append("?connectionTimeout=")
                .append(ms)
                .append("&additionalJavaMailProperties=#notifyMailProperties");
        if (username != null) {
            uri.append("&username=RAW(")
                    .append(username)
                    .append(")&password=RAW(")
                    .append(password)
                    .append(')');
        }
        java.util.Properties props = new java.util.Properties();
        props.setProperty("mail.smtp.timeout", Long.toString(ms));
        props.setProperty("mail.smtp.writetimeout", Long.toString(ms));
        props.setProperty("mail.smtp.connectiontimeout", Long.toString(ms));
        props.setProperty("mail.smtp.starttls.enable", Boolean.toString(starttls));
        props.setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
        props.setProperty("mail.smtp.auth", Boolean.toString(username != null));
        camel.getRegistry().bind("notifyMailProperties", props);
        endpoint = camel.getEndpoint(uri.toString());
        producer = camel.createProducerTemplate();
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        if (m.recipient() == null
                || m.recipient().email() == null
                || m.recipient().email().isBlank()) {
            throw ChannelException.permanent("no_recipient", "an e-mail needs a recipient with an address");
        }
        Exchange out = producer.request(endpoint, ex -> {
            ex.getIn().setHeader("To", m.recipient().email());
            ex.getIn().setHeader("From", from);
            ex.getIn()
                    .setHeader(
                            "Subject",
                            oneLine(m.subject() == null ? "[" + m.severity() + "] ops-router" : m.subject()));
            ex.getIn()
                    .setHeader(
                            "Message-ID", "<" + m.idempotencyKey().replaceAll("[^A-Za-z0-9._-]", "_") + "@ops-router>");
            ex.getIn().setHeader("X-Ops-Router-Idempotency-Key", m.idempotencyKey());
            ex.getIn().setBody(m.text());
        });
        Exception e = out.getException();
        if (e != null) throw classify(e);
    }

    /** A subject built from outside text must not smuggle in header lines. */
    static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n\\t\\x00-\\x1f]+", " ").trim();
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }

    static ChannelException classify(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String type = t.getClass().getSimpleName();
            if (type.equals("AuthenticationFailedException")) {
                return ChannelException.permanent("auth", "the SMTP server refused the login: " + t.getMessage(), e);
            }
            Integer code = returnCode(t);
            if (code != null && code >= 500) {
                return ChannelException.permanent("smtp_" + code, "the SMTP server refused: " + t.getMessage(), e);
            }
            if (code != null && code >= 400) {
                return ChannelException.retryable("smtp_" + code, "the SMTP server deferred: " + t.getMessage(), e);
            }
            if (type.equals("AddressException") || type.equals("SMTPAddressFailedException")) {
                return ChannelException.permanent("address", "bad address: " + t.getMessage(), e);
            }
            if (t.getCause() == t) break;
        }
        return HttpPost.classify(e);
    }

    private static Integer returnCode(Throwable t) {
        try {
            Object v = t.getClass().getMethod("getReturnCode").invoke(t);
            return v instanceof Integer i && i > 0 ? i : null;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
