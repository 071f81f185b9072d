package io.opsrouter.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Wraps the encoder the logging configuration names and passes each encoded line through {@link LogRedaction}:
 * text or JSON, message or stack trace, no secret-shaped value reaches the output at any level.
 */
public final class RedactingEncoder extends EncoderBase<ILoggingEvent> {
    private Encoder<ILoggingEvent> encoder;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("RedactingEncoder needs a nested <encoder>");
            return;
        }
        if (!encoder.isStarted()) encoder.start();
        super.start();
    }

    @Override
    public void stop() {
        if (encoder != null) encoder.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return encoder == null ? null : encoder.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] raw = encoder.encode(event);
        if (raw == null) return null;
        String line = new String(raw, StandardCharsets.UTF_8);
        // logback's JsonEncoder writes every / as \/: redact the plain text, then escape again
        boolean escapedSlashes = line.contains("\\/");
        String plain = escapedSlashes ? line.replace("\\/", "/") : line;
        String safe = LogRedaction.redact(plain);
        if (safe == plain) return raw;
        return (escapedSlashes ? safe.replace("/", "\\/") : safe).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return encoder == null ? null : encoder.footerBytes();
    }
}
