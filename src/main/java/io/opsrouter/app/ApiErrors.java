package io.opsrouter.app;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/** Every HTTP error the router answers is JSON: {@code {"error": "...", "field": "..."}}, never a stack trace. */
public final class ApiErrors {
    private ApiErrors() {}

    public static void respond(Exchange exchange, int status, String error, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (field != null) body.put("field", field);
        exchange.getMessage().setHeaders(new java.util.HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }

    /** Writes a JSON body with a status. */
    public static void json(Exchange exchange, int status, Object body) {
        exchange.getMessage().setHeaders(new java.util.HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }
}
