package io.opsrouter.alert;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The size of a regular expression with its counted repetitions written out: {@code (ab{10}){20}} is 220 atoms.
 * RE2/J expands counted repetitions into copies before it compiles, so {@code ((a{1000}){1000}){1000}} would
 * exhaust the heap, and the time of every match grows with this size; RE2 in C++ and Go refuse such expressions,
 * and this lets us do the same before compiling. Escapes, {@code \Q...\E} and character classes count as one
 * atom; a brace that is not a repetition is a literal.
 */
final class RepeatSize {
    private static final long CAP = 1L << 40;

    private RepeatSize() {}

    static long of(String re) {
        Deque<long[]> levels = new ArrayDeque<>();
        levels.push(new long[] {0});
        long lastAtom = 0;
        int i = 0;
        int n = re.length();
        while (i < n) {
            char c = re.charAt(i);
            long atom = 1;
            if (c == '\\') {
                if (i + 1 < n && re.charAt(i + 1) == 'Q') {
                    int end = re.indexOf("\\E", i + 2);
                    atom = Math.max(1, (end < 0 ? n : end) - (i + 2));
                    i = end < 0 ? n : end + 2;
                } else {
                    i += 2;
                }
            } else if (c == '[') {
                i = classEnd(re, i);
            } else if (c == '(') {
                levels.push(new long[] {0});
                lastAtom = 0;
                i++;
                continue;
            } else if (c == ')') {
                atom = levels.size() > 1 ? levels.pop()[0] : 0;
                i++;
            } else if (c == '{') {
                int close = re.indexOf('}', i);
                long count = close < 0 ? -1 : count(re.substring(i + 1, close));
                if (count >= 0) {
                    long more = Math.min(CAP, lastAtom * Math.max(0, count - 1));
                    levels.peek()[0] = Math.min(CAP, levels.peek()[0] + more);
                    lastAtom = Math.min(CAP, lastAtom + more);
                    i = close + 1;
                    continue;
                }
                i++;
            } else {
                i++;
            }
            levels.peek()[0] = Math.min(CAP, levels.peek()[0] + atom);
            lastAtom = atom;
        }
        long total = 0;
        for (long[] l : levels) total = Math.min(CAP, total + l[0]);
        return total;
    }

    /** The larger bound of {@code n}, {@code n,} or {@code n,m}, or -1 when the text is not a repetition. */
    private static long count(String inside) {
        if (!inside.matches("\\d{1,9}(,\\d{0,9})?")) return -1;
        String[] parts = inside.split(",", -1);
        long min = Long.parseLong(parts[0]);
        long max = parts.length == 2 && !parts[1].isEmpty() ? Long.parseLong(parts[1]) : min;
        return Math.max(min, max);
    }

    /** The index after the class that starts at {@code start} ({@code []a]} and {@code [^]a]} hold a literal bracket). */
    private static int classEnd(String re, int start) {
        int i = start + 1;
        if (i < re.length() && re.charAt(i) == '^') i++;
        if (i < re.length() && re.charAt(i) == ']') i++;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
                int end = re.indexOf(":]", i + 2);
                i = end < 0 ? i + 1 : end + 2;
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return re.length();
    }
}
