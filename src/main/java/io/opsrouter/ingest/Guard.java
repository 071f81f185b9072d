package io.opsrouter.ingest;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parsing untrusted input never answers 5xx: an unexpected failure while reading a payload is the payload's 400. */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private Guard() {}

    static <T> T parsing(String endpoint, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IngestRefusal r) {
            throw r;
        } catch (RuntimeException e) {
            LOG.warn(
                    "unexpected failure reading a {} payload: {}",
                    endpoint,
                    e.getClass().getName());
            throw IngestRefusal.invalid("body", "the payload could not be read");
        }
    }
}
