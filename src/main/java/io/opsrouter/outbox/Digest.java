package io.opsrouter.outbox;

import java.util.List;

/**
 * What a digest notification stands for: the lesser (P2/P3) messages of one channel and recipient that were folded
 * into it instead of being sent one by one ({@link DigestFolding}).
 *
 * @param messages     the messages folded
 * @param firing       distinct alerts those messages announced firing (firing, escalation, reminder)
 * @param resolved     distinct alerts those messages announced resolved
 * @param serviceCount distinct values of the {@code service} label among the folded alerts
 * @param services     the first of those names, sorted (at most {@link #SERVICES_SHOWN})
 * @param link         where to see them all: the router's list of firing alerts
 */
public record Digest(int messages, int firing, int resolved, int serviceCount, List<String> services, String link) {
    public static final int SERVICES_SHOWN = 10;

    public Digest {
        services = services == null ? List.of() : List.copyOf(services);
    }

    /** "37 more alerts firing in 5 services", "; 4 resolved" when some were resolves. */
    public String text() {
        String in = serviceCount == 0 ? "" : " in " + plural(serviceCount, "service");
        if (firing == 0 && resolved == 0) return plural(messages, "more message") + in;
        if (firing == 0) return plural(resolved, "alert") + " resolved" + in;
        return plural(firing, "more alert") + " firing" + in + (resolved == 0 ? "" : "; " + resolved + " resolved");
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
