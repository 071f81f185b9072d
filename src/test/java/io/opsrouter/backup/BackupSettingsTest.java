package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackupSettingsTest {
    @TempDir
    Path home;

    @Test
    void shippedFileLoadsAndAMissingFileMeansDefaults() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(
                io.opsrouter.testing.RouterHarness.REPO.resolve("config/backups.yaml"),
                home.resolve("config/backups.yaml"));
        BackupSettings s = BackupSettings.load(home, home.resolve("state"));
        assertThat(s.output())
                .as("no output key: under the router's data folder")
                .isEqualTo(home.resolve("state/backups"));
        assertThat(s.folders()).extracting(FolderSpec::name).contains("config", "functions", "frontend", "logs");
        assertThat(s.maxAge().get(BackupType.FULL)).isEqualTo(Duration.ofHours(26));
        Files.delete(home.resolve("config/backups.yaml"));
        assertThat(BackupSettings.load(home, home.resolve("data")).deflateLevel())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "deflateLevel: 12                                  | deflateLevel  | from 0 to 9",
                "workers: two                                      | workers       | whole number",
                "lockTimeout: soon                                 | lockTimeout   | duration",
                "schemas: public                                   | schemas       | not a list",
                "tables: {exclude: [audit]}                        | tables.exclude | schema.table",
                "changeColumns: {calls: updated_at}                | changeColumns.calls | schema.table",
                "changeColumns: {public.calls: 'updated at'}       | changeColumns.public.calls | column",
                "retention: {fulls: 0}                             | retention.fulls | from 1",
                "retention: {weeks: 3}                             | retention.weeks | known key",
                "folders: {logs: {types: [full]}}                  | folders.logs.path | missing",
                "folders: {logs: {path: logs, types: [weekly]}}    | folders.logs.types | not a backup type",
                "maxAge: {daily: 1h}                               | maxAge.daily | backup type",
                "outptu: data                                      | outptu        | known key",
            })
    void badSettingsNameTheFileKeyAndFix(String yaml, String key, String problem) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/backups.yaml"), yaml + "\n");
        assertThatThrownBy(() -> BackupSettings.load(home, home.resolve("data")))
                .isInstanceOf(SettingsException.class)
                .satisfies(e -> {
                    SettingsException se = (SettingsException) e;
                    assertThat(se.file()).isEqualTo("config/backups.yaml");
                    assertThat(se.key()).isEqualTo(key);
                    assertThat(se.fix()).isNotBlank();
                })
                .hasMessageContaining(problem);
    }

    @Test
    void brokenYamlIsReportedWithTheFile() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/backups.yaml"), "workers: [1\n");
        assertThatThrownBy(() -> BackupSettings.load(home, home.resolve("data")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config/backups.yaml: ");
    }

    @Test
    void tablePatternsIncludeAndExclude() {
        BackupSettings s = TestData.settings(home, "tables: {include: ['public.*'], exclude: ['public.audit_*']}\n");
        assertThat(s.tableIncluded("public", "calls")).isTrue();
        assertThat(s.tableIncluded("public", "audit_2024")).isFalse();
        assertThat(s.tableIncluded("auth", "users")).isFalse();
    }
}
