package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    @Test
    void fnv1aOverSortedLabelsLikePrometheus() {
        // FNV-1a 64 of the empty input is the offset basis; Prometheus gives the empty label set that value
        assertThat(Fingerprint.of(Map.of())).isEqualTo("cbf29ce484222325");
        Map<String, String> a = new LinkedHashMap<>();
        a.put("b", "2");
        a.put("a", "1");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("a", "1");
        b.put("b", "2");
        assertThat(Fingerprint.of(a)).isEqualTo(Fingerprint.of(b)).matches("[0-9a-f]{16}");
        assertThat(Fingerprint.of(Map.of("a", "12"))).isNotEqualTo(Fingerprint.of(Map.of("a1", "2")));
    }

    @Test
    void knownValueComputedByHand() {
        // "a", 0xFF, "b", 0xFF with FNV-1a 64
        long h = 0xcbf29ce484222325L;
        for (int c : new int[] {'a', 0xFF, 'b', 0xFF}) h = (h ^ c) * 0x100000001b3L;
        assertThat(Fingerprint.of(Map.of("a", "b"))).isEqualTo(String.format("%016x", h));
    }
}
