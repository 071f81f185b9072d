package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.config.Env;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBackupSecretsTest {
    @TempDir
    Path home;

    static final List<String> SECRETS = List.of(
            "slacktok-file-secret-1",
            "https://hooks.slack.com/services/T0/B0/WEBHOOKSECRET2",
            "hunter2-secret-3",
            "tw-auth-secret-4",
            "key-secret-5",
            "slacktok-env-secret-6",
            "custom-secret-7",
            "AC0123456789sid8");

    @Test
    void configBackupMasksSecretKeysAndEverySecretEnvironmentValue() throws Exception {
        write(
                "config/application.properties",
                "router.http.port = 8080\nslack.bot-token = slacktok-file-secret-1\ntwilio.auth-token=tw-auth-secret-4\n");
        write("config/channels.yaml", """
                slack:
                  webhookUrl: https://hooks.slack.com/services/T0/B0/WEBHOOKSECRET2
                  channel: "#ops"
                email:
                  password: "hunter2-secret-3"
                twilio:
                  accountSid: AC0123456789sid8
                  from: "+15550001111"
                notes: the token for the pager is slacktok-env-secret-6 and custom-secret-7 is in here too
                """);
        write("config/vapi.json", "{\n  \"apiKey\": \"key-secret-5\",\n  \"assistant\": \"drains\"\n}\n");
        write("routes/alerts.yaml", "- route:\n    from:\n      uri: \"https://example.com/?auth=custom-secret-7\"\n");
        byte[] binary = new byte[] {0, 1, 2, (byte) 0xff, 'k', 'e', 'y', '=', 'v'};
        Files.createDirectories(home.resolve("supabase/functions/notify"));
        Files.write(home.resolve("supabase/functions/notify/logo.bin"), binary);
        write(
                "supabase/functions/notify/index.ts",
                "const url = Deno.env.get('SUPABASE_URL');\nconst serviceRoleKey = 'slacktok-env-secret-6';\n");

        Env env = new Env(
                Map.of("SLACK_BOT_TOKEN", "slacktok-env-secret-6", "CUSTOM_VAR", "custom-secret-7", "HOME", "/root"));
        BackupSettings s = TestData.settings(home, """
                secretEnv: [CUSTOM_VAR]
                folders:
                  config: {path: config, types: [full, config]}
                  routes: {path: routes, types: [full, config]}
                  functions: {path: supabase/functions, types: [full, config]}
                  frontend: {path: frontend/dist, types: [full]}
                  notes: {path: ops-notes, types: [config]}
                """);
        BackupWriter.Result r = new BackupWriter(
                        s, null, SecretMasker.from(env, s.secretEnv()), Clock.systemUTC(), "test")
                .write(BackupType.CONFIG, null);
        assertThat(r.archive().getFileName().toString()).startsWith("config-");
        assertThat(ArchiveVerifier.verify(r.archive()).ok()).isTrue();
        assertThat(r.manifest().missingPaths()).anySatisfy(m -> assertThat(m).contains("ops-notes"));
        assertThat(r.manifest().tables()).isEmpty();

        StringBuilder all = new StringBuilder();
        try (ZipFile z = new ZipFile(r.archive().toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    byte[] data = in.readAllBytes();
                    if (e.getName().endsWith("logo.bin")) assertThat(data).isEqualTo(binary);
                    all.append(e.getName())
                            .append('\n')
                            .append(new String(data, StandardCharsets.UTF_8))
                            .append('\n');
                }
            }
        }
        String text = all.toString();
        for (String secret : SECRETS)
            assertThat(text).as("archive holds " + secret).doesNotContain(secret);
        assertThat(text)
                .contains("router.http.port = 8080")
                .contains("channel: \"#ops\"")
                .contains("\"assistant\": \"drains\"")
                .contains("slack.bot-token = ***")
                .contains("\"apiKey\": \"***\"")
                .contains("SUPABASE_URL");
    }

    @Test
    void secretShapedValuesLogFilesAndLinksOutOfTheHomeAreNotCarried() throws Exception {
        write("config/database.yaml", """
                store:
                  url: postgres://router:pw-in-url-42@db.internal:5432/ops
                  dsn: "host=db.internal dbname=ops user=router password=dsn-secret-43"
                  jdbc: jdbc:postgresql://db.internal/ops?user=router&password=jdbc-secret-44
                nested:
                  deeper:
                    password: hunter2secret
                    token: tok-secret-45
                """);
        write(
                "logs/router.log",
                "2026-12-06T03:00:00Z DEBUG [main] headers - http-outgoing-0 >> Authorization: Basic QUMwMTp0d2lsaW8tc2VjcmV0LTQ2\n"
                        + "2026-12-06T03:00:01Z DEBUG [main] wire - POST https://hooks.slack.com/services/T0/B0/SlackPathSecret47 HTTP/1.1\n"
                        + "2026-12-06T03:00:02Z INFO  [main] Backup - backup full written\n");
        Path outside = Files.createTempFile("outside-home", ".txt");
        Files.writeString(outside, "root:shadow-secret-48:19000:0:99999:7:::\n");
        Files.createSymbolicLink(home.resolve("config/shadow.yaml"), outside);
        Files.createSymbolicLink(home.resolve("config/inside.yaml"), home.resolve("config/database.yaml"));

        BackupSettings s = TestData.settings(home, """
                folders:
                  config: {path: config, types: [full, config]}
                  logs: {path: logs, types: [config], mask: false}
                """);
        BackupWriter.Result r = new BackupWriter(
                        s, null, SecretMasker.from(new Env(Map.of()), List.of()), Clock.systemUTC(), "test")
                .write(BackupType.CONFIG, null);
        String text = allText(r.archive());
        for (String secret : List.of(
                "pw-in-url-42",
                "dsn-secret-43",
                "jdbc-secret-44",
                "hunter2secret",
                "tok-secret-45",
                "QUMwMTp0d2lsaW8tc2VjcmV0LTQ2",
                "SlackPathSecret47",
                "shadow-secret-48")) {
            assertThat(text).as("archive holds " + secret).doesNotContain(secret);
        }
        assertThat(text)
                .contains("postgres://router:***@db.internal:5432/ops")
                .contains("password: ***")
                .contains("backup full written")
                .contains("files/config/inside.yaml");
        assertThat(r.manifest().entries()).extracting(Manifest.Entry::name).doesNotContain("files/config/shadow.yaml");
        assertThat(r.manifest().missingPaths())
                .anySatisfy(m -> assertThat(m).contains("shadow.yaml").contains("not followed"));
        Files.delete(outside);
    }

    private static String allText(Path archive) throws Exception {
        StringBuilder all = new StringBuilder();
        try (ZipFile z = new ZipFile(archive.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    all.append(e.getName())
                            .append('\n')
                            .append(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .append('\n');
                }
            }
        }
        return all.toString();
    }

    private void write(String rel, String content) throws Exception {
        Path p = home.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
