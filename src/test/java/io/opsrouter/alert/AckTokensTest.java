package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckTokensTest {
    static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    final AckTokens tokens =
            new AckTokens("a-key-of-sixteen-bytes-or-more".getBytes(StandardCharsets.UTF_8), Duration.ofHours(24));

    @Test
    void aTokenNamesItsAlertsUntilItExpires() {
        String t = tokens.issue(List.of("a-1", "b-2"), NOW);
        assertThat(tokens.check(t, NOW.plus(Duration.ofHours(23))))
                .isInstanceOfSatisfying(
                        AckTokens.Valid.class, v -> assertThat(v.alertIds()).containsExactly("a-1", "b-2"));
        assertThat(tokens.check(t, NOW.plus(Duration.ofHours(24))))
                .isInstanceOfSatisfying(
                        AckTokens.Refused.class, r -> assertThat(r.status()).isEqualTo(410));
    }

    @Test
    void anotherKeyOrAnAlteredTokenIsRefused() {
        String t = tokens.issue(List.of("a-1"), NOW);
        AckTokens other =
                new AckTokens("another-key-of-sixteen-bytes".getBytes(StandardCharsets.UTF_8), Duration.ofHours(24));
        assertThat(other.check(t, NOW))
                .isInstanceOfSatisfying(
                        AckTokens.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
        String longer = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("v1|99999999999|a-1".getBytes(StandardCharsets.UTF_8))
                + t.substring(t.indexOf('.'));
        assertThat(tokens.check(longer, NOW))
                .isInstanceOfSatisfying(
                        AckTokens.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
        for (String bad : new String[] {null, "", ".", "abc", "a.b.c", "!!!.???", "x".repeat(5000)}) {
            assertThat(tokens.check(bad, NOW)).as(String.valueOf(bad)).isInstanceOf(AckTokens.Refused.class);
        }
    }
}
