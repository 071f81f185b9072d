package io.opsrouter.notify.channel;

import io.opsrouter.app.Json;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.RenderedMessage;
import io.opsrouter.outbox.ChannelName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes each message as one JSON line to {@code data/notifications.jsonl}. Always on: it takes the
 * notifications addressed to {@code log} and those addressed to a channel that is not configured, so a
 * new user sees what would have been sent.
 *
 * <p>The file stays open between messages. Before each line the channel checks that the path still names
 * the file it holds open: when logrotate (or a person) moved or deleted it, the channel opens a new one.
 */
public final class LogChannel implements Channel {
    public static final String FILE = "notifications.jsonl";
    private final Path file;
    private final Clock clock;
    private FileChannel out;
    private Object openKey;

    public LogChannel(Path dataDir, Clock clock) {
        this.file = dataDir.resolve(FILE);
        this.clock = clock;
    }

    /** Always on. */
    public static Optional<Channel> configure(ChannelSetup s) {
        return Optional.of(new LogChannel(s.core().dataDir(), s.clock()));
    }

    @Override
    public ChannelName name() {
        return ChannelName.LOG;
    }

    public Path file() {
        return file;
    }

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
        ByteBuffer bytes = ByteBuffer.wrap((Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            FileChannel ch = current();
            while (bytes.hasRemaining()) ch.write(bytes);
        } catch (IOException e) {
            close();
            throw ChannelException.retryable("io", "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The open file, if the path still names it; otherwise a newly opened (or created) one. */
    private FileChannel current() throws IOException {
        // where the filesystem has no file keys, openKey stays null and every message opens the file again
        if (out != null && openKey != null && openKey.equals(keyOfPath())) return out;
        close();
        Files.createDirectories(file.getParent());
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        openKey = keyOfPath();
        return out;
    }

    private Object keyOfPath() throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // the next send opens the file again
        }
        out = null;
        openKey = null;
    }

    @Override
    public synchronized void stop() {
        close();
    }
}
