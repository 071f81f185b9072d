package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.app.Beans;
import io.opsrouter.app.CoreModule;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert module inside a whole router: the shipped files, the real intake bean, the channel directory contract. */
class AlertWiringTest {
    @TempDir
    Path home;

    static List<String> outbox(RouterHarness r) {
        return r.store().read(c -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT channel, recipient, kind FROM outbox ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            return rows;
        });
    }

    static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static AlertEngine engine(RouterHarness r) {
        return r.app().camel().getRegistry().lookupByNameAndType("alertEngine", AlertEngine.class);
    }

    @Test
    void shippedRouterWithNoChannelWritesWhatWouldBeSentToTheLogChannel() {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        try (RouterHarness r = RouterHarness.shipped(home)
                .clock(clock)
                .setting(AlertModule.SWEEP_TIMER, "false")
                .env("ONCALL_PRIMARY_PHONE", "+15145550001")
                .env("ONCALL_PRIMARY_EMAIL", "pat@example.com")
                .start()) {
            assertThat(r.app().camel().getRegistry().lookupByName(AlertIntake.BEAN))
                    .isInstanceOf(AlertEngine.class);
            r.app()
                    .camel()
                    .createProducerTemplate()
                    .sendBody(
                            Signal.ENDPOINT,
                            new Signal(
                                    "backup",
                                    "backup-failed",
                                    java.util.Map.of(
                                            "alertname", "backup-failed", "service", "backup", "backup_type", "daily"),
                                    java.util.Map.of(),
                                    java.util.Map.of(),
                                    Signal.State.FIRING,
                                    null,
                                    clock.instant(),
                                    null));
            clock.advance(Duration.ofSeconds(30));
            engine(r).sweep();
            assertThat(outbox(r)).containsExactly("log null firing", "log +15145550001 firing");
            assertThat(engine(r).list("firing", Severity.P1, java.util.Map.of(), 10))
                    .extracting(a -> a.get("summary"))
                    .containsExactly("backup-failed: daily backup");
        }
    }

    @Test
    void aChannelDirectoryBoundByALaterModuleDecidesTheChannels() {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        RouterModule notify = new RouterModule() {
            @Override
            public String name() {
                return "notify-stand-in";
            }

            @Override
            public void configure(RouterContext ctx, Beans beans) {
                beans.bind(
                        ChannelDirectory.BEAN,
                        ChannelDirectory.of(
                                Set.of(ChannelName.SLACK, ChannelName.SMS, ChannelName.EMAIL, ChannelName.LOG)));
            }
        };
        // only the alert pipeline's routes: other concerns' routes need their own modules' beans
        RouterHarness h = RouterHarness.empty(home);
        for (String f : List.of(
                "routes/http.yaml",
                "routes/signals.yaml",
                "routes/alerts.yaml",
                "config/alert-rules.yaml",
                "config/escalation.yaml",
                "config/application.properties")) {
            h.writeFile(f, read(RouterHarness.REPO.resolve(f)));
        }
        try (RouterHarness r = h.clock(clock)
                .setting(AlertModule.SWEEP_TIMER, "false")
                .env("ONCALL_PRIMARY_PHONE", "+15145550001")
                .env("ONCALL_PRIMARY_EMAIL", "pat@example.com")
                .onlyModules(List.of(new CoreModule(), new AlertModule(), notify))
                .start()) {
            engine(r)
                    .accept(List.of(AlertFixture.probe(
                            "p1-unprocessed", "calls", Signal.State.FIRING, java.util.Map.of("unprocessed_p1", 1.0))));
            clock.advance(Duration.ofSeconds(30));
            engine(r).sweep();
            assertThat(outbox(r))
                    .containsExactly("slack null firing", "sms +15145550001 firing", "email pat@example.com firing");
        }
    }

    @Test
    void theTimerRouteSweepsOnTheRouterClock() {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        try (RouterHarness r = RouterHarness.shipped(home)
                .clock(clock)
                .setting("alerts.sweep-period-ms", "200")
                .start()) {
            engine(r)
                    .accept(List.of(AlertFixture.probe(
                            "p1-unprocessed", "calls", Signal.State.FIRING, java.util.Map.of("unprocessed_p1", 1.0))));
            // grouping never holds a P1 back (shipped P1 groupWait 0s): written with the signal, no sweep needed
            assertThat(outbox(r)).containsExactly("log null firing", "log null firing");
            // a P3 waits for its group (groupWait 10s) and the timer's sweep on the router's clock
            engine(r)
                    .accept(List.of(AlertFixture.probe(
                            "call-volume", "calls", Signal.State.FIRING, java.util.Map.of("calls_last_hour", 3.0))));
            assertThat(outbox(r)).hasSize(2);
            clock.advance(Duration.ofSeconds(30));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> outbox(r).size() == 3);
        }
    }

    @Test
    void aRestartedRouterOnPostgresKeepsEscalatingWhereItStopped() {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        try (io.opsrouter.testing.TestPostgres.Database db =
                        io.opsrouter.testing.TestPostgres.createDatabase("alertrestart");
                RouterHarness r = RouterHarness.shipped(home)
                        .clock(clock)
                        .database(db)
                        .setting(AlertModule.SWEEP_TIMER, "false")
                        .env("ONCALL_PRIMARY_PHONE", "+15145550001")
                        .env("ONCALL_SECONDARY_PHONE", "+15145550002")
                        .env("ESCALATION_P1_DELAY", "2m")
                        .start()) {
            r.app()
                    .camel()
                    .createProducerTemplate()
                    .sendBody(
                            Signal.ENDPOINT,
                            AlertFixture.probe(
                                    "p1-unprocessed",
                                    "calls",
                                    Signal.State.FIRING,
                                    java.util.Map.of("unprocessed_p1", 3.0)));
            clock.advance(Duration.ofSeconds(30));
            engine(r).sweep();
            assertThat(outbox(r)).containsExactly("log null firing", "log +15145550001 firing");

            r.restart();
            clock.advance(Duration.ofMinutes(2));
            engine(r).sweep();
            assertThat(outbox(r))
                    .containsExactly("log null firing", "log +15145550001 firing", "log +15145550002 escalation");
            r.app()
                    .camel()
                    .createProducerTemplate()
                    .sendBody(
                            Signal.ENDPOINT,
                            AlertFixture.probe("p1-unprocessed", "calls", Signal.State.RESOLVED, java.util.Map.of()));
            assertThat(outbox(r)).hasSize(6).last().isEqualTo("log +15145550002 resolved");
        }
    }
}
