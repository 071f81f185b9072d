package io.opsrouter.notify.channel;

import io.opsrouter.app.Json;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.RenderedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes each message as one JSON line to {@code data/notifications.jsonl}. Always on: it takes the
 * notifications addressed to {@code log} and those addressed to a channel that is not configured, so a
 * new user sees what would have been sent.
 */
public final class LogChannel implements Channel {
    public static final String FILE = "notifications.jsonl";
    private final Path file;
    private final Clock clock;

    public LogChannel(Path dataDir, Clock clock) {
        this.file = dataDir.resolve(FILE);
        this.clock = clock;
    }

    @Override
    public String name() { return "log"; }

    public Path file() { return file; }

    @Override
    public synchronized void send(RenderedMessage m) throws ChannelException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("channel", m.channel());
        line.put("idempotencyKey", m.idempotencyKey());
        line.put("kind", m.notification().kind().label());
        line.put("severity", m.severity());
        line.put("recipient", m.recipient());
        if (m.subject() != null) line.put("subject", m.subject());
        line.put("text", m.text());
        line.put("notification", m.notification());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Json.write(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw ChannelException.retryable("io", "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
