package io.opsrouter.notify.channel;

/**
 * Caps a message at a set number of SMS segments: 160 septets in one GSM-7 segment and 153 in each of several
 * (extension characters count twice); 70 UTF-16 units in one UCS-2 segment and 67 in each of several, as soon as one
 * character is outside GSM-7. A longer text gives up its lines from the bottom, each cut at a word boundary with an
 * ellipsis or dropped; a trailing link (the acknowledge URL) is kept whole when it fits, and cut with the rest when
 * it does not: the cap always holds.
 */
public final class SmsSegment {
    public static final int GSM7_LIMIT = 160;
    public static final int GSM7_PART = 153;
    public static final int UCS2_LIMIT = 70;
    public static final int UCS2_PART = 67;
    /** One segment: the SMS template is written to fit it (docs/channels.md "Templates"). */
    public static final int DEFAULT_MAX_SEGMENTS = 1;
    /** A line shortened to fewer characters than this is dropped instead. */
    static final int MIN_KEPT = 12;

    private static final String GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM7_EXTENSION = "^{}\\[~]|€\f";

    private SmsSegment() {}

    /**
     * The text with the characters people's values and sentences often carry replaced by GSM-7 look-alikes
     * ({@code µs} as {@code us}, curly quotes as straight ones, dashes as '-', '…' as '...'), so one such character
     * does not turn a 160-character SMS into a 70-character one. Other characters are left as they are.
     */
    public static String toGsm7(String text) {
        if (text == null || isGsm7(text)) return text;
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\u00b5', '\u03bc' -> sb.append('u');
                case '\u2018', '\u2019', '\u201a', '\u2032' -> sb.append('\'');
                case '\u201c', '\u201d', '\u201e', '\u2033' -> sb.append('"');
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212' -> sb.append('-');
                case '\u2026' -> sb.append("...");
                case '\u00a0', '\u2009', '\u202f', '\u2007' -> sb.append(' ');
                case '\u00b7', '\u2022' -> sb.append('-');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    public static String fit(String text) {
        return fit(text, DEFAULT_MAX_SEGMENTS);
    }

    /**
     * The text as sent: whole when it fits in {@code maxSegments} segments, otherwise cut to fit them. Lines are given
     * up from the bottom: the last line before the link is shortened at a word (with an ellipsis) or dropped, then the
     * one above it, and the first line (severity and summary) is cut only when it alone is too long.
     */
    public static String fit(String text, int maxSegments) {
        if (text == null) return "";
        String t = text.strip();
        boolean gsm = isGsm7(t);
        int limit = capacity(gsm, maxSegments);
        if (length(t, gsm) <= limit) return t;
        String link = "";
        String main = t;
        int cut = Math.max(t.lastIndexOf(' '), t.lastIndexOf('\n'));
        String lastWord = cut < 0 ? t : t.substring(cut + 1);
        if (lastWord.startsWith("http://") || lastWord.startsWith("https://")) {
            link = lastWord;
            main = cut < 0 ? "" : t.substring(0, cut).strip();
        }
        String ellipsis = gsm ? "..." : "…";
        int budget = limit - length(link, gsm) - (link.isEmpty() ? 0 : 1);
        if (budget < 10 + length(ellipsis, gsm)) {
            link = "";
            main = t;
            budget = limit;
        }
        String out = fitLines(main, budget, gsm, ellipsis);
        return link.isEmpty() ? out : out + "\n" + link;
    }

    /** {@code main} in {@code budget}, giving up its lines from the last toward the first. */
    private static String fitLines(String main, int budget, boolean gsm, String ellipsis) {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(main.split("\n", -1)));
        int total = length(main, gsm);
        int dots = length(ellipsis, gsm);
        for (int i = lines.size() - 1; i > 0 && total > budget; i--) {
            String line = lines.get(i);
            int len = length(line, gsm);
            int keep = len - (total - budget) - dots;
            if (keep >= MIN_KEPT) {
                String shorter = cutAtWord(line, keep, gsm) + ellipsis;
                lines.set(i, shorter);
                total -= len - length(shorter, gsm);
            } else {
                lines.remove(i);
                total -= len + 1;
            }
        }
        String first = lines.get(0);
        if (total > budget) {
            int keep = length(first, gsm) - (total - budget) - dots;
            lines.set(0, cutAtWord(first, Math.max(0, keep), gsm) + ellipsis);
        }
        return String.join("\n", lines);
    }

    /** At most {@code budget} (septets or units) of {@code main}, ending at a word boundary unless that loses over half. */
    private static String cutAtWord(String main, int budget, boolean gsm) {
        int used = 0;
        int end = 0;
        while (end < main.length()) {
            int cp = main.codePointAt(end);
            int w = length(new String(Character.toChars(cp)), gsm);
            if (used + w > budget) break;
            used += w;
            end += Character.charCount(cp);
        }
        if (end < main.length() && !Character.isWhitespace(main.charAt(end))) {
            int space = end - 1;
            while (space > 0 && !Character.isWhitespace(main.charAt(space))) space--;
            if (space > end / 2) end = space;
        }
        return main.substring(0, end).stripTrailing();
    }

    /** Septets (GSM-7) or UTF-16 units (UCS-2) that {@code segments} segments hold. */
    public static int capacity(boolean gsm, int segments) {
        if (segments <= 1) return gsm ? GSM7_LIMIT : UCS2_LIMIT;
        return segments * (gsm ? GSM7_PART : UCS2_PART);
    }

    /** How many segments the text is sent as. */
    public static int segments(String text) {
        boolean gsm = isGsm7(text);
        int len = length(text, gsm);
        if (len <= capacity(gsm, 1)) return 1;
        int part = gsm ? GSM7_PART : UCS2_PART;
        return (len + part - 1) / part;
    }

    public static boolean isGsm7(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (GSM7_BASIC.indexOf(c) < 0 && GSM7_EXTENSION.indexOf(c) < 0) return false;
        }
        return true;
    }

    /** Septets for GSM-7, UTF-16 units for UCS-2. */
    public static int length(String s, boolean gsm) {
        if (!gsm) return s.length();
        int n = 0;
        for (int i = 0; i < s.length(); i++) n += GSM7_EXTENSION.indexOf(s.charAt(i)) >= 0 ? 2 : 1;
        return n;
    }
}
