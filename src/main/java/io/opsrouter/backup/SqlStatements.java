package io.opsrouter.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text into statements at the semicolons that are outside quotes ('...', E'...', "..."), dollar quotes and
 * comments, and gives each statement's "shape": its text with quoted parts and comments blanked, whitespace collapsed,
 * upper case. Shapes are what the allow-list of schema statements is matched against.
 */
final class SqlStatements {
    /**
     * One statement: its text as it will run; its shape ('…' strings become '', dollar-quoted bodies $$ $$); and the
     * dollar-quoted bodies (function code), upper case.
     */
    record Statement(String text, String shape, String bodies) {}

    private SqlStatements() {}

    static List<Statement> split(String sql) {
        List<Statement> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder shape = new StringBuilder();
        StringBuilder bodies = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                text.append(sql, i, end);
                shape.append(' ');
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = blockCommentEnd(sql, i);
                text.append(sql, i, end);
                shape.append(' ');
                i = end;
            } else if (c == '\'') {
                boolean escapes = i > 0
                        && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)) && sql.charAt(i - 2) != '_');
                int end = quoteEnd(sql, i, '\'', escapes);
                text.append(sql, i, end);
                shape.append("''");
                i = end;
            } else if (c == '"') {
                int end = quoteEnd(sql, i, '"', false);
                text.append(sql, i, end);
                shape.append(sql, i, end);
                i = end;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                int end = close < 0 ? n : close + tag.length();
                text.append(sql, i, end);
                shape.append(" $$ $$ ");
                bodies.append(withoutComments(sql.substring(i + tag.length(), close < 0 ? n : close)))
                        .append('\n');
                i = end;
            } else if (c == ';') {
                add(out, text, shape, bodies);
                i++;
            } else {
                text.append(c);
                shape.append(c);
                i++;
            }
        }
        add(out, text, shape, bodies);
        return out;
    }

    private static void add(List<Statement> out, StringBuilder text, StringBuilder shape, StringBuilder bodies) {
        String t = text.toString().strip();
        String s = shape.toString().replaceAll("\\s+", " ").strip().toUpperCase(java.util.Locale.ROOT);
        if (!s.isEmpty()) out.add(new Statement(t, s, bodies.toString().toUpperCase(java.util.Locale.ROOT)));
        text.setLength(0);
        shape.setLength(0);
        bodies.setLength(0);
    }

    /** The text with its line and block comments blanked; quoted strings kept (dynamic SQL in a body is in them). */
    static String withoutComments(String sql) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
                out.append(' ');
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i);
                out.append(' ');
            } else if (c == '\'' || c == '"') {
                int end = quoteEnd(sql, i, c, false);
                out.append(sql, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blockCommentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length() - 1) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) return i;
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int quoteEnd(String sql, int start, char q, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == q) i += 2;
                else return i + 1;
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** {@code $tag$} starting at {@code i}, or null when the dollar sign is not a quote (e.g. a parameter $1). */
    private static String dollarTag(String sql, int i) {
        if (i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_')) return null;
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) j++;
        if (j >= sql.length() || sql.charAt(j) != '$') return null;
        if (j > i + 1 && Character.isDigit(sql.charAt(i + 1))) return null;
        return sql.substring(i, j + 1);
    }
}
