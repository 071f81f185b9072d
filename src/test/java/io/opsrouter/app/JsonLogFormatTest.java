package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** ROUTER_LOG_FORMAT=json: one JSON object per line, with the route id and the monitor or alert id from the MDC. */
class JsonLogFormatTest {
    @Test
    void jsonFormatWritesOneObjectPerLineWithRouteAndMonitor() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(MDC.getMDCAdapter());
        ctx.putProperty("ROUTER_LOG_FORMAT", "json");
        JoranConfigurator conf = new JoranConfigurator();
        conf.setContext(ctx);
        conf.doConfigure(getClass().getResource("/logback.xml"));
        ctx.start();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        MDC.put("camel.routeId", "probe-frontend");
        MDC.put("monitor", "frontend");
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            ctx.getLogger("io.opsrouter.probe").info("monitor {} is down", "frontend");
        } finally {
            System.setOut(console);
            MDC.clear();
            ctx.stop();
        }
        String[] lines = buffer.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(lines[0]);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("monitor frontend is down");
        assertThat(line.path("mdc").path("camel.routeId").asText()).isEqualTo("probe-frontend");
        assertThat(line.path("mdc").path("monitor").asText()).isEqualTo("frontend");
    }

    @Test
    void textFormatIsOneLineWithRouteAndMonitor() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(MDC.getMDCAdapter());
        JoranConfigurator conf = new JoranConfigurator();
        conf.setContext(ctx);
        conf.doConfigure(getClass().getResource("/logback.xml"));
        ctx.start();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        MDC.put("camel.routeId", "alerts");
        MDC.put("alert", "a1b2");
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            ctx.getLogger("io.opsrouter.alert").info("escalated");
        } finally {
            System.setOut(console);
            MDC.clear();
            ctx.stop();
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertThat(text.strip().split("\n")).hasSize(1);
        assertThat(text).contains("[alerts] alert=a1b2 ").contains("escalated").doesNotContain("monitor=");
    }
}
