package io.opsrouter.testing;

import io.opsrouter.app.RouterApp;
import io.opsrouter.app.RouterModule;
import io.opsrouter.cli.Modules;
import io.opsrouter.config.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a whole router in the test JVM: a home folder of its own (a copy of the repository's
 * {@code routes/} and {@code config/}, or files the test writes), a free HTTP port, the embedded store
 * unless the test names a database, and an environment the test controls.
 */
public final class RouterHarness implements AutoCloseable {
    public static final Path REPO =
            Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath().normalize();

    private final Path home;
    private final Map<String, String> overrides = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private List<RouterModule> modules = Modules.all();
    private RouterApp app;
    private int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RouterHarness(Path home) {
        this.home = home;
        // many tests read a part's detail from /health without a token; a test of the default sets it back
        overrides.put("router.health.detail", "public");
    }

    /**
     * A home with copies of the shipped routes/ and config/. The backup schedules are moved to the year 2099:
     * on the wall clock they would fire in the middle of whichever test runs at that minute (and fail there, with
     * no database to back up); tests start backups by calling the backup service.
     */
    public static RouterHarness shipped(Path tempDir) {
        RouterHarness h = new RouterHarness(tempDir);
        copyTree(REPO.resolve("routes"), tempDir.resolve("routes"));
        copyTree(REPO.resolve("config"), tempDir.resolve("config"));
        Path backups = tempDir.resolve("routes/backups.yaml");
        try {
            if (Files.exists(backups)) {
                Files.writeString(
                        backups, Files.readString(backups).replaceAll("cron: \"([^\"]+)\"", "cron: \"$1 2099\""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h;
    }

    /** A home with empty routes/ and config/ folders, for tests that write their own files. */
    public static RouterHarness empty(Path tempDir) {
        try {
            Files.createDirectories(tempDir.resolve("routes"));
            Files.createDirectories(tempDir.resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RouterHarness(tempDir);
    }

    /** Copies only these shipped route files (names under the repository's routes/). */
    public RouterHarness withShippedRoutes(String... files) {
        for (String f : files) {
            try {
                writeFile("routes/" + f, Files.readString(REPO.resolve("routes").resolve(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    public RouterHarness withRoutesFrom(Path folder) {
        copyTree(folder, home.resolve("routes"));
        return this;
    }

    public RouterHarness setting(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    public RouterHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The webhook channel, posting to {@code url} and signing with a test secret of the required length. */
    public RouterHarness webhook(String url) {
        return env("WEBHOOK_URL", url).env("WEBHOOK_SECRET", "0123456789abcdef0123456789abcdef");
    }

    /** Delivery polled every 50 ms and retried after 20 to 100 ms, so tests wait for outcomes, not for backoff. */
    public RouterHarness quickDelivery() {
        return setting("notify.poll-interval", "50ms")
                .setting("notify.retry.initial", "20ms")
                .setting("notify.retry.max", "100ms");
    }

    public RouterHarness clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Runs these modules as well as every standard module whose class is not among them; the given ones come
     * last, so the beans they bind (a recording intake, a stand-in channel directory) replace the standard ones.
     */
    public RouterHarness modules(List<RouterModule> modules) {
        List<RouterModule> all = new java.util.ArrayList<>();
        for (RouterModule standard : Modules.all()) {
            if (modules.stream().noneMatch(m -> m.getClass() == standard.getClass())) all.add(standard);
        }
        all.addAll(modules);
        this.modules = all;
        return this;
    }

    /** Runs exactly these modules, for tests whose home holds only the routes these modules serve. */
    public RouterHarness onlyModules(List<RouterModule> modules) {
        this.modules = modules;
        return this;
    }

    public RouterHarness database(TestPostgres.Database db) {
        env.put("ROUTER_DB_URL", db.url());
        env.put("ROUTER_DB_USER", db.user());
        env.put("ROUTER_DB_PASSWORD", db.password());
        return this;
    }

    public RouterHarness writeFile(String relative, String content) {
        try {
            Path p = home.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public RouterHarness start() {
        if (!overrides.containsKey("router.http.port")) {
            port = freePort();
            overrides.put("router.http.port", Integer.toString(port));
        } else {
            port = Integer.parseInt(overrides.get("router.http.port"));
        }
        app = new RouterApp(home, overrides, new Env(env), clock, modules);
        app.start();
        return this;
    }

    public void stop() {
        if (app != null) app.stop();
        app = null;
    }

    /** Stops and starts again on the same home, port and store: a restart. */
    public RouterHarness restart() {
        stop();
        return start();
    }

    public RouterApp app() {
        return app;
    }

    /** The started router's state store. */
    public io.opsrouter.store.StateStore store() {
        return app.context().store();
    }

    public Path home() {
        return home;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        return send(http, request);
    }

    /** Sends with a 10 s timeout; I/O failures become unchecked so tests can call it inside lambdas. */
    public static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * A port free now, below the kernel's ephemeral range. A port the kernel handed out for {@code bind(0)} and that
     * was closed again can be handed out to the next {@code bind(0)}: the router's own store server (one in every
     * embedded router) once took the port chosen for the router's HTTP server between the port check and Vert.x's
     * bind, and a test's request was answered by H2. Ports below the range are never handed out that way.
     */
    public static synchronized int freePort() {
        int below = EPHEMERAL_LOW;
        for (int attempt = 0; attempt < 100 && below > 10_000; attempt++) {
            int candidate =
                    10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - 10_000);
            if (HANDED_OUT.contains(candidate)) continue;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(candidate));
                HANDED_OUT.add(candidate);
                return candidate;
            } catch (IOException taken) {
                // another one
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();
    private static final int EPHEMERAL_LOW = ephemeralLow();

    /** The lowest port of the kernel's ephemeral range (32768 when it cannot be read). */
    private static int ephemeralLow() {
        try {
            // Files.readString reads "3" of "32768\t60999" from procfs, which reports a size of 0
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
