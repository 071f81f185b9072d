package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Short acknowledgement codes: made, read as people type them, stored on H2 and PostgreSQL alike, purged. */
class AckCodesTest {
    static final Instant NOW = Instant.parse("2026-12-07T08:12:00Z");

    @TempDir
    Path dir;

    StateStore store;
    TestPostgres.Database pg;

    @AfterEach
    void close() {
        if (store != null) store.close();
        if (pg != null) pg.close();
    }

    StateStore open(String dialect) {
        if (dialect.equals("h2")) {
            Path file = dir.resolve("state");
            store = StateStore.open("jdbc:h2:file:" + file, null, null, 3, dir);
        } else {
            pg = TestPostgres.createDatabase("ackcodes");
            store = StateStore.open(pg.url(), pg.user(), pg.password(), 3, null);
        }
        return store;
    }

    @Test
    void codesAreEightCrockfordCharactersAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String c = AckCodes.newCode();
            assertThat(c).matches("[0-9A-HJKMNP-TV-Z]{8}");
            seen.add(c);
        }
        assertThat(seen).hasSize(20_000);
    }

    @Test
    void aCodeIsReadAsAPersonTypesIt() {
        assertThat(AckCodes.normalize("7kq2xm8p")).isEqualTo("7KQ2XM8P");
        assertThat(AckCodes.normalize("7KQ2-XM8P")).isEqualTo("7KQ2XM8P");
        assertThat(AckCodes.normalize("O1IL0000")).isEqualTo("01110000");
        for (String bad :
                new String[] {null, "", "7KQ2XM8", "7KQ2XM8PQ", "7KQ2XM8U", "7KQ2 XM8", "<script>", "x".repeat(99)}) {
            assertThat(AckCodes.normalize(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aStoredCodeGivesBackItsTokenAndATakenCodeIsReplaced(String dialect) {
        StateStore s = open(dialect);
        Instant expires = NOW.plus(Duration.ofHours(24));
        Map<String, String> replaced = s.inTransaction(c -> AckCodes.store(
                c,
                List.of(
                        new AckCodes.Issued("AAAAAAAA", "token-one", expires),
                        new AckCodes.Issued("BBBBBBBB", "token-two", expires)),
                NOW));
        assertThat(replaced).isEmpty();
        // a code already taken (by another message) is never overwritten: its message gets a fresh one
        Map<String, String> again = s.inTransaction(
                c -> AckCodes.store(c, List.of(new AckCodes.Issued("AAAAAAAA", "token-three", expires)), NOW));
        assertThat(again).containsOnlyKeys("AAAAAAAA");
        String fresh = again.get("AAAAAAAA");
        assertThat(fresh).isNotEqualTo("AAAAAAAA").matches("[0-9A-HJKMNP-TV-Z]{8}");
        assertThat(token(s, "AAAAAAAA")).isEqualTo("token-one");
        assertThat(token(s, "BBBBBBBB")).isEqualTo("token-two");
        assertThat(token(s, fresh)).isEqualTo("token-three");
        assertThat(token(s, "CCCCCCCC")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void expiredCodesAreDeletedAWeekAfterTheyExpire(String dialect) {
        StateStore s = open(dialect);
        s.inTransaction(c -> AckCodes.store(
                c,
                List.of(
                        new AckCodes.Issued("11111111", "old", NOW.minus(Duration.ofDays(8))),
                        new AckCodes.Issued("22222222", "recent", NOW.minusSeconds(60))),
                NOW));
        int purged = s.inTransaction(c -> AckCodes.purge(c, NOW));
        assertThat(purged).isEqualTo(1);
        assertThat(token(s, "11111111")).isNull();
        assertThat(token(s, "22222222")).isEqualTo("recent");
        assertThat(count(s)).isEqualTo(1);
    }

    @Test
    void aMessageWhoseCodeWasTakenNamesItsReplacement() {
        io.opsrouter.outbox.Notification n = new io.opsrouter.outbox.Notification(
                "k",
                io.opsrouter.outbox.ChannelName.SMS,
                null,
                io.opsrouter.outbox.Notification.Kind.FIRING,
                "P1",
                "g",
                List.of(),
                "https://ops.example.com/a/AAAAAAAA");
        assertThat(Outgoing.withCode(n, Map.of("AAAAAAAA", "BBBBBBBB")).ackUrl())
                .isEqualTo("https://ops.example.com/a/BBBBBBBB");
        assertThat(Outgoing.withCode(n, Map.of("CCCCCCCC", "DDDDDDDD"))).isSameAs(n);
    }

    static String token(StateStore s, String code) {
        return s.read(c -> AckCodes.token(c, code));
    }

    static int count(StateStore s) {
        return s.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ack_codes");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
