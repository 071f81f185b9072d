package io.opsrouter.app;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the route file and line in whatever Camel threw while loading YAML routes. */
final class RouteErrors {
    private static final Pattern FILE = Pattern.compile("file:([^\\s,;)]+\\.ya?ml)");
    private static final Pattern LINE = Pattern.compile("line (\\d+)(?:, column (\\d+))?");

    private RouteErrors() {}

    static String describe(Throwable e, Path home) {
        String file = null;
        String line = null;
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            Matcher fm = FILE.matcher(m);
            if (file == null && fm.find()) file = fm.group(1);
            Matcher lm = LINE.matcher(m);
            if (line == null && lm.find()) line = lm.group(1);
            reason = m;
        }
        if (file == null) return null;
        String shown = relative(file, home);
        String why = reason == null ? "invalid route" : firstLine(reason);
        return "route file " + shown + (line != null ? ":" + line : "") + ": " + why;
    }

    private static String relative(String file, Path home) {
        try {
            Path p = Path.of(file).toAbsolutePath().normalize();
            return p.startsWith(home) ? home.relativize(p).toString() : file;
        } catch (RuntimeException e) {
            return file;
        }
    }

    /** YAML parser messages span lines, with a location line, a source snippet and a caret; keep the words. */
    private static String firstLine(String s) {
        StringBuilder sb = new StringBuilder();
        boolean snippetNext = false;
        for (String line : s.strip().split("\\R")) {
            String l = line.strip();
            if (snippetNext) {
                snippetNext = false;
                continue;
            }
            if (l.matches("in .*line \\d+, column \\d+:?")) {
                snippetNext = true;
                continue;
            }
            if (l.isEmpty() || l.startsWith("^")) continue;
            if (sb.length() > 0) sb.append("; ");
            sb.append(l);
            if (sb.length() > 200) break;
        }
        return sb.toString();
    }
}
