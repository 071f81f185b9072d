package io.opsrouter.backup;

import io.opsrouter.config.Env;
import io.opsrouter.log.LogRedaction;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in configuration text and log files as they stream, line by line: the value of every key that looks
 * like a secret (token, secret, password, key, sid, webhook), every value of a secret environment variable, and
 * secret-shaped text anywhere in a line ({@link LogRedaction}: passwords in URLs and DSNs, {@code Authorization}
 * values, Slack webhook paths, secret query parameters; {@code password=…} in key-value DSNs) become {@code ***}.
 */
public final class SecretMasker {
    public static final String MASK = "***";
    static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(token|secret|passw|pwd|key|sid|webhook|credential|auth).*");
    private static final Pattern KEY_VALUE =
            Pattern.compile("^(\\s*(?:-\\s+)?[\"']?([A-Za-z0-9_.\\-]+)[\"']?\\s*[:=]\\s*)(\\S.*?)(\\s*)$");
    private static final Pattern DSN_PASSWORD = Pattern.compile("(?i)\\b(password|passwd|pwd)\\s*=\\s*('[^']*'|\\S+)");
    private static final Pattern QUOTED = Pattern.compile("^([\"'])(.*)\\1(\\s*,?)$");

    private final List<String> values;

    SecretMasker(List<String> secretValues) {
        this.values = secretValues.stream()
                .filter(v -> v != null && v.length() >= 4)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The values to hide: every configured secret variable and every variable whose name looks like a secret. */
    public static SecretMasker from(Env env, List<String> secretEnv) {
        List<String> vals = new ArrayList<>();
        for (Map.Entry<String, String> e : env.asMap().entrySet()) {
            String v = e.getValue();
            if (v == null) continue;
            if (secretEnv.contains(e.getKey())) vals.add(v);
            // a variable only named like a secret: skip short or plain values (true, 8080) that would mask ordinary
            // text
            else if (SECRET_NAME.matcher(e.getKey()).matches()
                    && v.length() >= 8
                    && !v.matches("(?i)true|false|[0-9.]+|/[^ ]*")) vals.add(v);
        }
        return new SecretMasker(vals);
    }

    public String maskLine(String line) {
        String out = line;
        for (String v : values) out = out.replace(v, MASK);
        out = LogRedaction.redact(out);
        Matcher dsn = DSN_PASSWORD.matcher(out);
        if (dsn.find()) out = dsn.replaceAll("$1=" + MASK);
        Matcher m = KEY_VALUE.matcher(out);
        if (m.matches()
                && SECRET_NAME.matcher(m.group(2)).matches()
                && !m.group(3).startsWith("#")
                && !m.group(3).equals("|")
                && !m.group(3).equals(">")) {
            Matcher q = QUOTED.matcher(m.group(3));
            String masked = q.matches() ? q.group(1) + MASK + q.group(1) + q.group(3) : MASK;
            out = m.group(1) + masked + m.group(4);
        }
        return out;
    }

    /** A stream of the masked text; memory holds one line at a time. */
    InputStream mask(InputStream in) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return new InputStream() {
            private ByteArrayInputStream current = new ByteArrayInputStream(new byte[0]);

            private boolean fill() throws IOException {
                while (current.available() == 0) {
                    String line = r.readLine();
                    if (line == null) return false;
                    current = new ByteArrayInputStream((maskLine(line) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                return fill() ? current.read() : -1;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (len == 0) return 0;
                return fill() ? current.read(buf, off, len) : -1;
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }
}
