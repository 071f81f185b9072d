package io.opsrouter.alert;

import io.opsrouter.app.ApiRequest;
import io.opsrouter.app.AuthFailures;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code /a/{code}} (the short link in every message, standing for a signed token: {@link AckCodes}) and
 * {@code /ack/{token}} (the signed token itself): a GET shows the alerts and a confirm button (link previews
 * fetch URLs, so showing must not acknowledge); only the POST of that form acknowledges. No API key: the signed
 * token is the permission. The POST must come from the page itself: a cross-site form ({@code Origin} of
 * another site, {@code Sec-Fetch-Site: cross-site}) is refused with 403, and the page may not be framed. A short code
 * that is malformed or unknown costs the caller's address one of its failed-token budget ({@link AuthFailures});
 * past it, that address's short links are answered 429 until the budget refills, so codes cannot be guessed.
 */
public final class AckPage {
    static final String CSP =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final AlertEngine engine;
    private final String publicUrl;
    private final AuthFailures failures;

    public AckPage(AlertEngine engine, String publicUrl, AuthFailures failures) {
        this.engine = engine;
        this.publicUrl = publicUrl;
        this.failures = failures;
    }

    /** {@code GET /ack/{token}} */
    public void show(Exchange ex) {
        show(ex, ApiRequest.param(ex, "token"));
    }

    /** {@code GET /a/{code}} */
    public void showCode(Exchange ex) {
        String token = tokenOfCode(ex);
        if (token != null) show(ex, token);
    }

    /** {@code POST /a/{code}} with the form field {@code by} */
    public void acknowledgeCode(Exchange ex) {
        if (refusedCrossSite(ex)) return;
        String token = tokenOfCode(ex);
        if (token != null) acknowledge(ex, token);
    }

    /** The token the path's code stands for; null when it answered (malformed, unknown, or too many wrong codes). */
    private String tokenOfCode(Exchange ex) {
        String address = ApiRequest.address(ex);
        long wait = failures.waitSeconds(address);
        if (wait > 0) {
            page(
                    ex,
                    429,
                    "Too many wrong links",
                    "<p>Too many wrong links from this address. Try again in " + wait + " s.</p>");
            ex.getMessage().setHeader("Retry-After", Long.toString(wait));
            return null;
        }
        String code = AckCodes.normalize(ApiRequest.param(ex, "code"));
        String token = code == null ? null : engine.ackToken(code);
        if (token == null) {
            failures.failed(address);
            page(
                    ex,
                    404,
                    "Link refused",
                    "<p>This link is not an acknowledgement link of this router. Check it against the message.</p>");
        }
        return token;
    }

    private void show(Exchange ex, String token) {
        List<String> ids = targets(ex, token);
        if (ids == null) return;
        StringBuilder sb = new StringBuilder("<ul>");
        for (Map<String, Object> a : engine.describe(ids)) {
            sb.append("<li><b>")
                    .append(esc(String.valueOf(a.get("severity"))))
                    .append("</b> ")
                    .append(esc(String.valueOf(a.get("summary"))))
                    .append(" <i>(")
                    .append(esc(String.valueOf(a.get("status"))))
                    .append(")</i></li>");
        }
        sb.append(
                        "</ul><form method=\"post\"><label>Your name <input name=\"by\" maxlength=\"100\" autocomplete=\"name\"></label>")
                .append(" <button type=\"submit\">Acknowledge</button></form>");
        page(ex, 200, "Acknowledge alert", sb.toString());
    }

    /** {@code POST /ack/{token}} with the form field {@code by} */
    public void acknowledge(Exchange ex) {
        if (refusedCrossSite(ex)) return;
        acknowledge(ex, ApiRequest.param(ex, "token"));
    }

    private boolean refusedCrossSite(Exchange ex) {
        if (!crossSite(ex)) return false;
        page(ex, 403, "Refused", "<p>Acknowledge from the page the link opens, not from another site.</p>");
        return true;
    }

    private void acknowledge(Exchange ex, String token) {
        List<String> ids = targets(ex, token);
        if (ids == null) return;
        String by = formField(ex, "by");
        if (by == null || by.isBlank()) by = "someone";
        by = by.strip();
        if (!AlertsResource.ACTOR.matcher(by).matches()) {
            page(ex, 400, "Name refused", "<p>Use 1 to 100 letters, digits or spaces for your name.</p>");
            return;
        }
        AlertEngine.Outcome o = engine.acknowledge(ids, by, AckVia.LINK);
        int done = o.changed().size() + o.unchanged().size();
        String text = done > 0
                ? "Acknowledged by " + by + ": escalation stopped for " + done + " alert" + (done == 1 ? "" : "s") + "."
                : "Nothing to acknowledge: the alert is already resolved.";
        page(ex, 200, "Acknowledged", "<p>" + esc(text) + "</p>");
    }

    /** Answers what the ack routes threw: a page, never a stack trace. */
    public void failed(Exchange ex) {
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        org.slf4j.LoggerFactory.getLogger(AckPage.class)
                .error("{} acknowledge link failed: {}", ApiRequest.method(ex), e == null ? "unknown" : e.toString());
        page(ex, 503, "Try again", "<p>The router could not do that just now. Try again in a minute.</p>");
    }

    private List<String> targets(Exchange ex, String token) {
        AckTokens.Check check = engine.tokens().check(token, Instant.now(engine.clock()));
        if (check instanceof AckTokens.Refused r) {
            page(ex, r.status(), "Link refused", "<p>" + esc(r.reason()) + "</p>");
            return null;
        }
        return engine.ackTargets((AckTokens.Valid) check);
    }

    /** A browser says where a form came from: Sec-Fetch-Site, or Origin (which must be this router). */
    boolean crossSite(Exchange ex) {
        String site = ex.getMessage().getHeader("Sec-Fetch-Site", String.class);
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) return true;
        String origin = ex.getMessage().getHeader("Origin", String.class);
        if (origin == null) return false;
        String host = ex.getMessage().getHeader("Host", String.class);
        return !(sameOrigin(origin, publicUrl)
                || (host != null && hostOf(origin).equalsIgnoreCase(host.trim())));
    }

    private static boolean sameOrigin(String origin, String url) {
        try {
            URI o = URI.create(origin.trim());
            URI u = URI.create(url);
            return o.getScheme() != null
                    && o.getScheme().equalsIgnoreCase(u.getScheme())
                    && o.getHost() != null
                    && o.getHost().equalsIgnoreCase(u.getHost())
                    && port(o) == port(u);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String hostOf(String origin) {
        try {
            URI o = URI.create(origin.trim());
            if (o.getHost() == null) return "\u0000";
            return o.getPort() >= 0 ? o.getHost() + ":" + o.getPort() : o.getHost();
        } catch (IllegalArgumentException e) {
            return "\u0000";
        }
    }

    static void page(Exchange ex, int status, String title, String body) {
        ex.getMessage().setHeaders(new java.util.HashMap<>());
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        ex.getMessage().setHeader("Cache-Control", "no-store");
        ex.getMessage().setHeader("Referrer-Policy", "no-referrer");
        ex.getMessage().setHeader("X-Robots-Tag", "noindex");
        ex.getMessage().setHeader("X-Frame-Options", "DENY");
        ex.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        ex.getMessage().setHeader("Content-Security-Policy", CSP);
        ex.getMessage()
                .setBody(
                        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,"
                                + "initial-scale=1\"><title>" + esc(title)
                                + " - ops-router</title></head><body style=\"font-family:sans-serif;"
                                + "max-width:40em;margin:1em auto;padding:0 1em\"><h1>" + esc(title) + "</h1>" + body
                                + "</body></html>");
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String formField(Exchange ex, String name) {
        String body = ex.getMessage().getBody(String.class);
        if (body != null && body.length() <= ApiRequest.MAX_BODY) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                try {
                    if (eq > 0 && name.equals(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
                        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    }
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return ApiRequest.param(ex, name);
    }
}
