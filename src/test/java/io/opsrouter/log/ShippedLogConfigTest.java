package io.opsrouter.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The shipped logback.xml, text and JSON, at TRACE: HTTP header loggers stay quiet and every line is redacted. */
class ShippedLogConfigTest {
    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void headerLoggersStayQuietAndSecretsInAnyLineAreMasked(String format) throws Exception {
        String out = capture(format, () -> {
            LoggerFactory.getLogger("org.apache.hc.client5.http.headers")
                    .debug("http-outgoing-0 >> Authorization: Basic QUM6aGVhZGVyLXNlY3JldA==");
            LoggerFactory.getLogger("com.slack.api.util.http.listener.DetailedLoggingListener")
                    .debug("URL: https://hooks.slack.com/services/T1/B1/ListenerSecret");
            LoggerFactory.getLogger("io.opsrouter.somewhere")
                    .info("retrying POST https://hooks.slack.com/services/T2/B2/InfoSecret with "
                            + "Authorization: Bearer " + "xoxb"
                            + "-9999-8888-infotoken and postgres://router:dbpass-secret@db/ops");
            LoggerFactory.getLogger("io.opsrouter.somewhere").debug("debug line visible");
        });
        assertThat(out).contains("debug line visible").contains("retrying POST");
        assertThat(out)
                .doesNotContain("QUM6aGVhZGVyLXNlY3JldA==")
                .doesNotContain("ListenerSecret")
                .doesNotContain("InfoSecret")
                .doesNotContain("infotoken")
                .doesNotContain("dbpass-secret");
        if (format.equals("json")) assertThat(out).startsWith("{");
    }

    static String capture(String format, Runnable work) throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL shipped = ShippedLogConfigTest.class.getClassLoader().getResource("logback.xml");
        URL testConfig = ShippedLogConfigTest.class.getClassLoader().getResource("logback-test.xml");
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setProperty("ROUTER_LOG_LEVEL", "TRACE");
            System.setProperty("ROUTER_LOG_FORMAT", format);
            configure(ctx, shipped);
            work.run();
        } finally {
            System.setOut(old);
            System.clearProperty("ROUTER_LOG_LEVEL");
            System.clearProperty("ROUTER_LOG_FORMAT");
            configure(ctx, testConfig);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static void configure(LoggerContext ctx, URL config) throws Exception {
        ctx.reset();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(config);
    }
}
