package io.opsrouter.notify.channel;

/**
 * Cuts a message to one SMS segment where it can: 160 characters when every character is in the GSM-7
 * alphabet (extension characters count twice), 70 UTF-16 units otherwise. A trailing link (the acknowledge
 * URL) is kept whole and the text before it is shortened; when even the link does not fit, the message
 * is sent whole in several segments rather than lose the link.
 */
public final class SmsSegment {
    public static final int GSM7_LIMIT = 160;
    public static final int UCS2_LIMIT = 70;
    private static final String GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM7_EXTENSION = "^{}\\[~]|€\f";

    private SmsSegment() {}

    public static String fit(String text) {
        if (text == null) return "";
        String t = text.strip();
        boolean gsm = isGsm7(t);
        int limit = gsm ? GSM7_LIMIT : UCS2_LIMIT;
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
        int budget = limit - length(link, gsm) - (link.isEmpty() ? 0 : 1) - length(ellipsis, gsm);
        if (budget < 10) return t;
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < main.length(); ) {
            int cp = main.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            int w = length(ch, gsm);
            if (used + w > budget) break;
            sb.append(ch);
            used += w;
            i += Character.charCount(cp);
        }
        String out = sb.toString().stripTrailing() + ellipsis;
        return link.isEmpty() ? out : out + "\n" + link;
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
