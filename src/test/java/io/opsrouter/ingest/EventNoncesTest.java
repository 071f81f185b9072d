package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.MovableClock;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nonce store on H2 and on PostgreSQL: one claim per nonce, shared by replicas, expired nonces taken anew and deleted. */
class EventNoncesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNonceIsTakenOnceUntilItExpiresAndAReleasedOneAgain(String dialect) {
        TestPostgres.Database pg = dialect.equals("postgresql") ? TestPostgres.createDatabase("nonces") : null;
        try (StateStore a = open(pg, 2);
                StateStore b = pg == null ? null : open(pg, 2)) {
            MovableClock clock = new MovableClock(Instant.parse("2026-12-06T03:00:00Z"));
            EventNonces replica1 = new EventNonces(a, clock);
            EventNonces replica2 = pg == null ? replica1 : new EventNonces(b, clock);
            Instant expires = clock.instant().plus(Duration.ofMinutes(5));
            assertThat(replica1.claim("id:e1", expires)).isTrue();
            assertThat(replica2.claim("id:e1", expires))
                    .as("another replica sees it")
                    .isFalse();
            assertThat(replica1.claim("id:e1", expires)).isFalse();
            assertThat(replica1.claim("id:e2", expires)).isTrue();
            replica1.release("id:e2");
            assertThat(replica2.claim("id:e2", expires))
                    .as("released after a failed store")
                    .isTrue();

            clock.advance(Duration.ofMinutes(6));
            assertThat(replica1.claim("id:e3", clock.instant().plus(Duration.ofMinutes(5))))
                    .isTrue();
            assertThat(replica1.size())
                    .as("expired nonces deleted as new events arrive")
                    .isEqualTo(1);
            assertThat(replica2.claim("id:e1", clock.instant().plus(Duration.ofMinutes(5))))
                    .as("outside its window it is new")
                    .isTrue();
        } finally {
            if (pg != null) pg.close();
        }
    }

    private StateStore open(TestPostgres.Database pg, int pool) {
        return pg == null
                ? StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, pool, dir)
                : StateStore.open(pg.url(), pg.user(), pg.password(), pool, null);
    }
}
