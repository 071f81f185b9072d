package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IN-list and time helpers every table's queries use. */
class SqlTest {
    @TempDir
    Path dir;

    @Test
    void anInListIsPaddedToThePowerOfTwoAboveWithItsLastValue() {
        assertThat(Sql.padded(List.of("a"))).containsExactly("a");
        assertThat(Sql.padded(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(Sql.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c");
        assertThat(Sql.padded(List.of("a", "b", "c", "d", "e"))).hasSize(8).endsWith("e", "e", "e", "e");
        assertThat(Sql.marks(3)).isEqualTo("?, ?, ?");
    }

    @Test
    void inChunksCutsALongListAndHandsEachChunkItsMarks() throws Exception {
        List<String> values =
                IntStream.range(0, Sql.CHUNK + 3).mapToObj(i -> "v" + i).toList();
        List<List<String>> chunks = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        Sql.inChunks(values, (part, m) -> {
            chunks.add(part);
            marks.add(m);
        });
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).hasSize(512).startsWith("v0").endsWith("v499", "v499"); // padded too
        assertThat(chunks.get(0).subList(0, Sql.CHUNK)).isEqualTo(values.subList(0, Sql.CHUNK));
        assertThat(chunks.get(1)).containsExactly("v500", "v501", "v502", "v502");
        assertThat(marks.get(1)).isEqualTo("?, ?, ?, ?");
    }

    @Test
    void anInstantWrittenAndReadBackIsTheSameAndNullStaysNull() {
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("state"), null, null, 2, dir)) {
            Instant at = Instant.parse("2026-03-01T03:04:05.123456Z");
            List<Instant> read = store.inTransaction(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("CREATE TABLE t (a TIMESTAMP WITH TIME ZONE, b TIMESTAMP WITH TIME ZONE)")) {
                    ps.execute();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (a, b) VALUES (?, ?)")) {
                    ps.setObject(1, Sql.ts(at));
                    Sql.setTs(ps, 2, null);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT a, b FROM t");
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    List<Instant> out = new ArrayList<>();
                    out.add(Sql.instant(rs, 1));
                    out.add(Sql.instant(rs, 2));
                    return out;
                }
            });
            assertThat(read.get(0)).isEqualTo(at);
            assertThat(read.get(1)).isNull();
        }
    }

    @Test
    void aTextIsCutToItsColumn() {
        assertThat(Sql.cut("abcdef", 3)).isEqualTo("abc");
        assertThat(Sql.cut("ab", 3)).isEqualTo("ab");
        assertThat(Sql.cut(null, 3)).isNull();
    }
}
