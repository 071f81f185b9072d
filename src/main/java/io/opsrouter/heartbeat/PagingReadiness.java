package io.opsrouter.heartbeat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.alert.EscalationPolicies;
import io.opsrouter.config.Env;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A router that pages nobody says so: no paging channel (SMS, e-mail, Slack, webhook) configured, nobody in
 * {@code config/escalation.yaml} with a phone or e-mail, or acknowledge links that point at localhost. Each is a
 * reason {@code /health} reports {@code DEGRADED} (still 200), a gauge per reason, and one plain line in the log.
 */
public final class PagingReadiness {
    public static final String NO_CHANNEL = "no_channel";
    public static final String NO_CONTACT = "no_contact";
    public static final String LOCAL_URL = "local_public_url";
    static final List<ChannelName> PAGING_CHANNELS =
            List.of(ChannelName.SMS, ChannelName.EMAIL, ChannelName.SLACK, ChannelName.WEBHOOK);
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0");

    private final Map<String, String> reasons;

    private PagingReadiness(Map<String, String> reasons) {
        this.reasons = reasons;
    }

    /** @param policies where the people are; a file that does not load counts as nobody to reach */
    public static PagingReadiness of(
            ChannelDirectory channels, Supplier<EscalationPolicies> policies, String publicUrl) {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        if (PAGING_CHANNELS.stream().noneMatch(channels::enabled)) {
            r.put(
                    NO_CHANNEL,
                    "no paging channel is configured (SMS, e-mail, Slack or webhook): alerts are only written to "
                            + "data/notifications.jsonl, nobody is paged");
        }
        boolean someone;
        try {
            someone = policies.get().people().values().stream().anyMatch(p -> !blank(p.phone()) || !blank(p.email()));
        } catch (RuntimeException e) {
            someone = false;
        }
        if (!someone) {
            r.put(
                    NO_CONTACT,
                    "nobody in " + EscalationPolicies.FILE
                            + " has a phone number or e-mail address: SMS and e-mail reach nobody");
        }
        String host = hostOf(publicUrl);
        if (host == null || LOCAL_HOSTS.contains(host.toLowerCase())) {
            r.put(
                    LOCAL_URL,
                    "ROUTER_PUBLIC_URL is " + publicUrl + ": acknowledge links in messages point at localhost and "
                            + "cannot be opened from a phone");
        }
        return new PagingReadiness(r);
    }

    static Supplier<EscalationPolicies> policiesIn(Path home, Env env) {
        return () -> {
            Path file = home.resolve(EscalationPolicies.FILE);
            if (!Files.isRegularFile(file)) throw new IllegalStateException("no " + EscalationPolicies.FILE);
            return EscalationPolicies.load(file, env, Duration.ofHours(4));
        };
    }

    public List<String> reasons() {
        return new ArrayList<>(reasons.values());
    }

    public void register(MeterRegistry registry) {
        for (String reason : List.of(NO_CHANNEL, NO_CONTACT, LOCAL_URL)) {
            Gauge.builder(MeterNames.PAGING_DEGRADED, this, p -> p.reasons.containsKey(reason) ? 1 : 0)
                    .tag("reason", reason)
                    .description("1 when the router cannot page anyone for this reason")
                    .register(registry);
        }
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
