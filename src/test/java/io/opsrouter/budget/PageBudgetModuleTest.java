package io.opsrouter.budget;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.app.CoreModule;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Start-up warns once, at WARN, about each enabled monitor whose P1 may page later than its promise. */
class PageBudgetModuleTest {
    @TempDir
    Path dir;

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(PageBudgetModule.class);

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aP1LaterThanItsPromiseIsLoggedOnceAtStartUp() {
        lines.start();
        logger.addAppender(lines);
        try (RouterHarness r = RouterHarness.empty(dir)
                .writeFile("config/monitors.yaml", """
                        monitors:
                          - id: shop
                            kind: tcp
                            host: 127.0.0.1
                            port: 1
                            interval: 5m
                          - id: off
                            kind: tcp
                            host: 127.0.0.1
                            port: 1
                            interval: 5m
                            enabled: false
                        """)
                .writeFile("config/alert-rules.yaml", """
                        grouping: {severity: {P1: {groupWait: 0s}}}
                        rules:
                          - name: shop-down
                            match: {source: probe}
                            for: 1m
                            severity: P1
                        """)
                .onlyModules(List.of(new CoreModule(), new PageBudgetModule()))
                .start()) {
            // 5m + 1m + 5s sweep + 10s channel against 1m + 60s; the disabled monitor is not running: not logged
            assertThat(lines.list)
                    .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(
                            Level.WARN,
                            "config/monitors.yaml: monitor shop -> config/alert-rules.yaml rule shop-down: a P1 may"
                                    + " reach the phone 6m15s after the failure, later than its promise of 2m (for 1m"
                                    + " + router.page-budget.slack 1m) (fix: shorten the monitor's interval or"
                                    + " retryInterval, the P1 groupWait, or give the rule pageWithin)"));
        }
    }
}
