package io.opsrouter.notify;

import io.opsrouter.config.SettingsException;
import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The templates in {@code config/templates/}: {@code <channel>.txt}, {@code <channel>-P1.txt} (P2, P3)
 * for one severity, and {@code <channel>-digest.txt} for a digest of folded messages. A channel without a file of its own uses a built-in plain template. A file that does
 * not parse, names an unknown field or an unknown channel stops start-up.
 */
public final class MessageTemplates {
    public static final String DIR = "config/templates";
    private static final Pattern NAME = Pattern.compile("([a-z][a-z0-9_-]*?)(?:-(P[123]|digest))?\\.txt");
    static final String BUILT_IN = "[${severity}] ${kind}: ${newMark}${summary}\n${event}\n${facts}\n"
            + "${alerts}\n${alsoFiring}\nWhat to do: ${action}\nRunbook: ${runbookLink}\nAcknowledge: ${ackUrl}";
    static final String BUILT_IN_EMAIL = "Subject: [${severity}] ${kind}: ${newMark}${summary}\n" + BUILT_IN;
    /** A digest of folded messages ({@code <channel>-digest.txt} replaces it). */
    static final String BUILT_IN_DIGEST = "[${severity}] ${summary}\n${alerts}\nAll alerts: ${link}";

    static final String BUILT_IN_DIGEST_EMAIL = "Subject: [${severity}] ${summary}\n" + BUILT_IN_DIGEST;

    // the built-in templates, parsed once (a template is immutable)
    private static final MessageTemplate PARSED = MessageTemplate.parse("built-in", BUILT_IN, false);
    private static final MessageTemplate PARSED_EMAIL = MessageTemplate.parse("built-in", BUILT_IN_EMAIL, true);
    private static final MessageTemplate PARSED_DIGEST = MessageTemplate.parse("built-in", BUILT_IN_DIGEST, false);
    private static final MessageTemplate PARSED_DIGEST_EMAIL =
            MessageTemplate.parse("built-in", BUILT_IN_DIGEST_EMAIL, true);

    private volatile Map<String, MessageTemplate> byKey;
    private volatile ZoneId zone;

    private MessageTemplates(Map<String, MessageTemplate> byKey, ZoneId zone) {
        this.byKey = byKey;
        this.zone = zone;
    }

    /** The zone messages show times in: the business hours' zone ({@link MessageZone}). */
    public ZoneId zone() {
        return zone;
    }

    /** The same templates showing times in {@code zone}. */
    public MessageTemplates inZone(ZoneId zone) {
        return new MessageTemplates(byKey, zone);
    }

    /** The templates for every channel in {@link ChannelName}. */
    public static MessageTemplates load(Path home) {
        return load(home, new java.util.HashSet<>(ChannelName.idList()));
    }

    public static MessageTemplates load(Path home, Set<String> channels) {
        Map<String, MessageTemplate> m = new HashMap<>();
        Path dir = home.resolve(DIR);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.sorted().toList()) {
                    String fileName = p.getFileName().toString();
                    String rel = DIR + "/" + fileName;
                    if (Files.isDirectory(p) || fileName.startsWith(".") || fileName.endsWith(".md")) continue;
                    Matcher mt = NAME.matcher(fileName);
                    if (!mt.matches()) {
                        throw new SettingsException(
                                rel,
                                null,
                                "is not a template name",
                                "name templates <channel>.txt, <channel>-P1.txt (P2, P3) or <channel>-digest.txt");
                    }
                    String channel = mt.group(1);
                    if (!channels.contains(channel)) {
                        throw new SettingsException(
                                rel,
                                null,
                                "names an unknown channel '" + channel + "'",
                                "use one of "
                                        + String.join(
                                                ", ", channels.stream().sorted().toList()) + ", or remove the file");
                    }
                    String text;
                    try {
                        text = Files.readString(p, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new SettingsException(
                                rel, null, "cannot be read: " + e.getMessage(), "make it readable UTF-8 text");
                    }
                    String key = mt.group(2) == null ? channel : channel + "-" + mt.group(2);
                    m.put(
                            key,
                            MessageTemplate.parse(
                                    rel, text, ChannelName.EMAIL.id().equals(channel)));
                }
            } catch (IOException e) {
                throw new SettingsException(
                        DIR, null, "cannot be listed: " + e.getMessage(), "make the folder readable");
            }
        }
        return new MessageTemplates(m, MessageZone.of(home));
    }

    /** Puts reloaded templates in force; a message being rendered finishes with the ones it started with. */
    public void replaceWith(MessageTemplates reloaded) {
        this.byKey = reloaded.byKey;
        this.zone = reloaded.zone;
    }

    public MessageTemplate forMessage(String channel, String severity) {
        Map<String, MessageTemplate> m = byKey;
        MessageTemplate t = m.get(channel + "-" + severity);
        if (t == null) t = m.get(channel);
        if (t == null) t = ChannelName.EMAIL.id().equals(channel) ? PARSED_EMAIL : PARSED;
        return t;
    }

    /** A digest's template: {@code <channel>-digest.txt}, else a built-in one. */
    MessageTemplate forDigest(String channel) {
        MessageTemplate t = byKey.get(channel + "-digest");
        if (t != null) return t;
        return ChannelName.EMAIL.id().equals(channel) ? PARSED_DIGEST_EMAIL : PARSED_DIGEST;
    }

    private MessageTemplate template(String channel, Notification n) {
        return n.kind() == Notification.Kind.DIGEST ? forDigest(channel) : forMessage(channel, n.severity());
    }

    public RenderedMessage render(Notification n) {
        return renderAs(n.channel().id(), n, null);
    }

    /** Renders a message that goes out {@code late} (after a channel outage): templates show "sent 12m late". */
    public RenderedMessage render(Notification n, Duration late) {
        return renderAs(n.channel().id(), n, late);
    }

    /** Renders for a channel other than the one the notification names (the log fallback). */
    public RenderedMessage renderAs(String channel, Notification n) {
        return renderAs(channel, n, null);
    }

    private RenderedMessage renderAs(String channel, Notification n, Duration late) {
        MessageTemplate t = template(channel, n);
        Map<String, String> fields = MessageFields.of(n, zone, late, t::uses);
        String text = t.render(fields);
        // an SMS stays GSM-7 (160 characters a segment): one µ or curly quote would make it UCS-2 (70)
        if (ChannelName.SMS.id().equals(channel)) text = SmsSegment.toGsm7(text);
        return new RenderedMessage(n.idempotencyKey(), n, t.renderSubject(fields), text);
    }
}
