package io.opsrouter.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.h2.tools.Server;

/**
 * Serves a router's embedded store to the one-shot commands of the same home (backup, backups list): H2's TCP
 * server on a free port, taking local connections only (no -tcpAllowOthers), answering only for a random key
 * that names the database. Port and key are in {@code router.server} beside the store, readable by its owner
 * only; the file goes when the router stops. H2 holds the store file locked, so without this a second process
 * could not open it at all.
 */
final class StoreServer {
    static final String FILE = "router.server";

    private final Server server;
    private final Path file;

    private StoreServer(Server server, Path file) {
        this.server = server;
        this.file = file;
    }

    static StoreServer start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String key = HexFormat.of().formatHex(bytes);
        Server server;
        try {
            server = Server.createTcpServer(
                            "-tcpPort",
                            "0",
                            "-tcpDaemon",
                            "-key",
                            key,
                            dir.resolve("router").toString())
                    .start();
        } catch (java.sql.SQLException e) {
            throw new StoreSetupException(
                    "ROUTER_DATA_DIR",
                    "cannot serve the embedded store to one-shot commands: " + StateStore.rootMessage(e),
                    "allow the router a local TCP port",
                    e);
        }
        Path file = dir.resolve(FILE);
        try {
            Path tmp = Files.createTempFile(dir, FILE, ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions guard it
            }
            Files.writeString(tmp, "port=" + server.getPort() + "\nkey=" + key + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            server.stop();
            throw new StoreSetupException(
                    "ROUTER_DATA_DIR",
                    "cannot write " + file + ": " + e.getMessage(),
                    "point ROUTER_DATA_DIR at a folder the router can write",
                    e);
        }
        return new StoreServer(server, file);
    }

    /** The JDBC URL of the server a running router on {@code dataDir} offers, if one answers. */
    static Optional<String> runningUrl(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        Properties p = new Properties();
        try {
            if (!Files.isRegularFile(file)) return Optional.empty();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            int port = Integer.parseInt(p.getProperty("port", ""));
            String key = p.getProperty("key", "");
            if (key.isEmpty()) return Optional.empty();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
            return Optional.of("jdbc:h2:tcp://127.0.0.1:" + port + "/" + key + ";QUERY_CACHE_SIZE=256");
        } catch (IOException | NumberFormatException e) {
            // unreadable, or left behind by a router that was killed (nothing answers): the file itself is free
            return Optional.empty();
        }
    }

    void stop() {
        server.stop();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale file is ignored: runningUrl finds nothing answering on its port
        }
    }
}
