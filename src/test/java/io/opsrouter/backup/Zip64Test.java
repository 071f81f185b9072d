package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** More than 65535 entries needs Zip64: the archive still verifies and standard unzip reads it. */
class Zip64Test {
    @TempDir
    Path home;

    @Test
    void anArchiveWithMoreEntriesThanPlainZipAllowsIsWrittenAsZip64() throws Exception {
        Path dir = home.resolve("frontend/dist");
        for (int d = 0; d < 66; d++) {
            Path sub = Files.createDirectories(dir.resolve("chunk" + d));
            for (int i = 0; i < 1000; i++)
                Files.writeString(sub.resolve("f" + i + ".js"), "export const n = " + (d * 1000 + i) + ";\n");
        }
        BackupSettings s =
                TestData.settings(home, "folders: {frontend: {path: frontend/dist, types: [config], mask: false}}\n");
        BackupWriter.Result r = new BackupWriter(
                        s, null, SecretMasker.from(new Env(Map.of()), List.of()), Clock.systemUTC(), "test")
                .write(BackupType.CONFIG, null);
        assertThat(r.manifest().entries()).hasSize(66_000);
        assertThat(ArchiveVerifier.verify(r.archive()).ok()).isTrue();
        byte[] all = Files.readAllBytes(r.archive());
        String tail = new String(all, all.length - 200, 200, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(tail)
                .as("Zip64 end of central directory record")
                .contains("PK\u0006\u0006")
                .contains("PK\u0006\u0007");
        Process unzip = new ProcessBuilder("unzip", "-tqq", r.archive().toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(unzip.getInputStream().readAllBytes());
        assertThat(unzip.waitFor()).as(out).isZero();
    }
}
