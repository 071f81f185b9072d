package io.opsrouter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.config.Env;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ops-router notifications list --dead} and {@code ops-router notifications retry ID}: the dead letters of a
 * running router, through its HTTP API ({@link RouterApi}: {@code ROUTER_URL}, {@code ROUTER_API_TOKEN}). Exit 0
 * done, 1 the router refused or could not be reached, 2 a usage or setting error.
 */
@Command(
        name = "notifications",
        description = "List notifications (dead ones by default) or retry a dead one, on the running router"
                + " ($ROUTER_URL, token from $ROUTER_API_TOKEN).",
        mixinStandardHelpOptions = true,
        subcommands = {NotificationsCommand.ListCommand.class, NotificationsCommand.RetryCommand.class})
public final class NotificationsCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    private final Env env;

    public NotificationsCommand() {
        this(Env.system());
    }

    NotificationsCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Runs {@code body} against the router, turning what goes wrong into a line on stderr and an exit code. */
    int withApi(CommandSpec cmd, ApiCall body) {
        PrintWriter err = cmd.commandLine().getErr();
        String name = "ops-router notifications " + cmd.name();
        try {
            return body.run(RouterApi.from(env), cmd.commandLine().getOut(), err);
        } catch (RouterApi.Unusable e) {
            err.println(name + ": " + e.getMessage());
            return USAGE;
        } catch (RouterApi.Unreachable e) {
            err.println(name + ": " + e.getMessage());
            return REFUSED;
        }
    }

    @FunctionalInterface
    interface ApiCall {
        int run(RouterApi api, PrintWriter out, PrintWriter err) throws RouterApi.Unreachable;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List notifications, newest first: dead ones (--dead, the default) or of another status.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        NotificationsCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--dead", description = "Dead notifications (the default).")
        boolean dead;

        @Option(
                names = "--status",
                paramLabel = "STATUS",
                description = "pending, sending, sent, folded or dead (default: dead).")
        String status;

        @Option(names = "--channel", paramLabel = "CHANNEL", description = "Only this channel's (slack, sms...).")
        String channel;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N (1-1000).")
        int limit;

        @Option(names = "--before", paramLabel = "ID", description = "Only older than this id (the next page).")
        Long before;

        @Override
        public Integer call() {
            if (dead && status != null && !"dead".equals(status)) {
                spec.commandLine()
                        .getErr()
                        .println("ops-router notifications list: --dead and --status " + status
                                + " ask for different notifications; give one");
                return USAGE;
            }
            String s = status == null ? "dead" : status;
            StringBuilder q = new StringBuilder("/api/notifications?status=" + enc(s) + "&limit=" + limit);
            if (channel != null) q.append("&channel=").append(enc(channel));
            if (before != null) q.append("&before=").append(before);
            return parent.withApi(spec, (api, out, err) -> {
                RouterApi.Answer a = api.get(q.toString());
                if (!a.ok()) {
                    err.println("ops-router notifications list: " + a.error());
                    return a.status() == 400 ? USAGE : REFUSED;
                }
                print(a.body(), s, out);
                return 0;
            });
        }

        private static void print(JsonNode body, String status, PrintWriter out) {
            JsonNode rows = body.path("notifications");
            if (rows.isEmpty()) out.println("no " + status + " notifications");
            else {
                String row = "%-10s %-8s %-16s %-4s %-16s %8s  %-20s  %s%n";
                out.printf(
                        row,
                        "ID",
                        "CHANNEL",
                        "RECIPIENT",
                        "SEV",
                        "KIND",
                        "ATTEMPTS",
                        "CREATED",
                        "LAST ERROR / SUMMARY");
                for (JsonNode r : rows) {
                    String created = r.path("createdAt").asText("").replaceFirst("\\.\\d+Z$", "Z");
                    String detail = r.hasNonNull("lastError")
                            ? r.get("lastError").asText()
                            : r.path("summary").asText("");
                    out.printf(
                            row,
                            r.path("id").asText(),
                            r.path("channel").asText(),
                            r.hasNonNull("recipient") ? r.get("recipient").asText() : "-",
                            r.path("severity").asText(),
                            r.path("kind").asText(),
                            r.path("attempts").asText(),
                            created,
                            oneLine(detail));
                }
            }
            List<String> per = new ArrayList<>();
            long total = 0;
            for (var it = body.path("dead").fields(); it.hasNext(); ) {
                var e = it.next();
                per.add(e.getKey() + " " + e.getValue().asLong());
                total += e.getValue().asLong();
            }
            out.println(total + " dead in all" + (per.isEmpty() ? "" : ": " + String.join(", ", per)));
            if (body.hasNonNull("before"))
                out.println("more: ops-router notifications list --status " + status + " --before "
                        + body.get("before").asText());
        }

        private static String oneLine(String s) {
            String t = s.replaceAll("\\s+", " ").trim();
            return t.length() > 120 ? t.substring(0, 117) + "..." : t;
        }
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = "Put a dead notification back in its channel's queue, due now, with its attempts reset.")
    static final class RetryCommand implements Callable<Integer> {
        @ParentCommand
        NotificationsCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The notification's id (notifications list --dead).")
        long id;

        @Override
        public Integer call() {
            return parent.withApi(spec, (api, out, err) -> {
                RouterApi.Answer a = api.post("/api/notifications/" + id + "/retry");
                if (!a.ok()) {
                    err.println("ops-router notifications retry: " + a.error());
                    return REFUSED;
                }
                JsonNode n = a.body();
                out.println("notification " + id + " (" + n.path("severity").asText() + " "
                        + n.path("kind").asText() + " on " + n.path("channel").asText()
                        + (n.hasNonNull("recipient")
                                ? " to " + n.get("recipient").asText()
                                : "")
                        + ") is pending again, due now");
                return 0;
            });
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static CommandLine commandLine(Env env) {
        return new CommandLine(new NotificationsCommand(env));
    }
}
