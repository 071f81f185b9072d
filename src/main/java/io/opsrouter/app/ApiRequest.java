package io.opsrouter.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/** Reading an HTTP request in an API bean: query and path parameters, a bounded JSON body, the caller's address. */
public final class ApiRequest {
    public static final int MAX_BODY = 64 * 1024;

    private ApiRequest() {}

    /** The first value of a query or path parameter (or header), or null. */
    public static String param(Exchange ex, String name) {
        List<String> all = params(ex, name);
        return all.isEmpty() ? null : all.get(0);
    }

    public static List<String> params(Exchange ex, String name) {
        Object v = ex.getMessage().getHeader(name);
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) c.forEach(o -> out.add(String.valueOf(o)));
        else if (v != null) out.add(String.valueOf(v));
        return out;
    }

    public static String method(Exchange ex) {
        return ex.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
    }

    /** The JSON object in the body, or null having answered 400/413; null without an answer when empty and optional. */
    public static JsonNode jsonObject(Exchange ex, boolean optional) {
        String text = ex.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            if (!optional) ApiErrors.respond(ex, 400, "the body must be a JSON object", null);
            return null;
        }
        if (text.length() > MAX_BODY) {
            ApiErrors.respond(ex, 413, "the body is larger than 64 KiB", null);
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                ApiErrors.respond(ex, 400, "the body must be a JSON object", null);
                return null;
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ApiErrors.respond(ex, 400, "the body is not valid JSON: " + e.getOriginalMessage(), null);
            return null;
        }
    }

    /** True when a bean has already written the answer (an error), so the caller stops. */
    public static boolean answered(Exchange ex) {
        return ex.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) != null;
    }

    /** The remote address the connection came from (a proxy in front makes every caller one address). */
    public static String address(Exchange ex) {
        if (ex.getIn() instanceof HttpMessage http
                && http.getRequest() != null
                && http.getRequest().remoteAddress() != null) {
            return http.getRequest().remoteAddress().hostAddress();
        }
        return "unknown";
    }
}
