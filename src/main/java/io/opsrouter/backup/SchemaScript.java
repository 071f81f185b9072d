package io.opsrouter.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schema script (pg_dump's or the catalogue extract) cut into its blocks: each starts at a
 * {@code -- Name: x; Type: T; ...} header; the lines before the first header (SET commands) are the preamble.
 */
final class SchemaScript {
    record Block(String type, String name, String sql) {}

    private static final Pattern HEADER = Pattern.compile("^-- (?:Data for )?Name: (.*?); Type: (.*?);.*$");
    private static final Pattern ALTER_TABLE = Pattern.compile("(?s)^\\s*ALTER TABLE (?:ONLY )?(\\S+)");

    final String preamble;
    final List<Block> blocks;

    private SchemaScript(String preamble, List<Block> blocks) {
        this.preamble = preamble;
        this.blocks = blocks;
    }

    static SchemaScript of(String preamble, List<Block> blocks) {
        return new SchemaScript(preamble, List.copyOf(blocks));
    }

    static SchemaScript parse(String text) {
        StringBuilder pre = new StringBuilder();
        List<Block> blocks = new ArrayList<>();
        String type = null;
        String name = null;
        StringBuilder cur = null;
        for (String line : text.split("\n", -1)) {
            Matcher m = HEADER.matcher(line);
            if (m.matches()) {
                if (cur != null) blocks.add(new Block(type, name, cur.toString()));
                name = m.group(1);
                type = m.group(2);
                cur = new StringBuilder();
                continue;
            }
            if (line.startsWith("--") || line.startsWith("\\")) continue;
            (cur == null ? pre : cur).append(line).append('\n');
        }
        if (cur != null) blocks.add(new Block(type, name, cur.toString()));
        List<Block> nonEmpty = blocks.stream().filter(b -> !b.sql().isBlank()).toList();
        return new SchemaScript(
                pre.toString().replaceAll("(?m)^SELECT pg_catalog.set_config\\('search_path', '', false\\);$", ""),
                nonEmpty);
    }

    /** The table an {@code ALTER TABLE} block changes, to run blocks on different tables side by side. */
    static String alteredTable(Block b) {
        Matcher m = ALTER_TABLE.matcher(b.sql());
        return m.find() ? m.group(1) : b.name();
    }
}
