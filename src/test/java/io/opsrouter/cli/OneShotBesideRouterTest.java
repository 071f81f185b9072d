package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.backup.Catalogue;
import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-shot commands run in a JVM of their own beside a router running on the same home and embedded store
 * (H2 AUTO_SERVER: the command connects through the router's store), and alone when no router runs.
 */
class OneShotBesideRouterTest {
    @TempDir
    Path home;

    static final String MAIN = OpsRouterCli.class.getName();

    ChildJvm.Result command(Map<String, String> env, String... args) throws Exception {
        return ChildJvm.run(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1"), MAIN, List.of(args), env, null);
    }

    @Test
    void backupListVerifyAndCheckBesideARunningRouterAndWithoutOne() throws Exception {
        ChildJvm.checkClasspath();
        try (TestPostgres.Database source = TestPostgres.createDatabase("oneshot")) {
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("create table customers (id bigint primary key, name text)");
                st.execute("insert into customers values (1, 'Ann'), (2, 'Bo')");
            }
            Map<String, String> env = new HashMap<>();
            env.put("TARGET_DB_URL", source.url());
            env.put("TARGET_DB_USER", source.user());
            if (source.password() != null) env.put("TARGET_DB_PASSWORD", source.password());
            String key = "k".repeat(20) + "-signing-" + "k".repeat(20);
            env.put("ROUTER_BACKUP_SIGNING_KEY", key);

            String archive;
            try (RouterHarness router = RouterHarness.shipped(home)
                    .env("ROUTER_BACKUP_SIGNING_KEY", key)
                    .start()) {
                ChildJvm.Result made = command(env, "backup", "--type", "full", "--home", home.toString());
                assertThat(made.exit()).as(made.stderr()).isZero();
                assertThat(made.stderr()).doesNotContain("cannot be opened").doesNotContain("ROUTER_DB_URL");
                archive = made.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();

                // catalogued like a scheduled backup, in the store the running router uses
                List<Catalogue.Row> rows = new Catalogue(router.store()).list();
                assertThat(rows).anySatisfy(r -> {
                    assertThat(r.path()).isEqualTo(archive);
                    assertThat(r.type().label()).isEqualTo("full");
                    assertThat(r.good()).isTrue();
                });

                ChildJvm.Result list = command(env, "backups", "list", "--home", home.toString());
                assertThat(list.exit()).as(list.stderr()).isZero();
                assertThat(list.stdout()).contains(archive).contains("full");

                ChildJvm.Result verify = command(env, "verify", archive);
                assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();

                // the monitors run against the test database (which lacks the business tables: exit 2 is theirs)
                ChildJvm.Result check = command(env, "check", "--home", home.toString());
                assertThat(check.stdout()).as(check.stderr()).containsPattern("(?m)^postgres +ok ");
                assertThat(check.stderr()).doesNotContain("locked").doesNotContain("ROUTER_DB_URL");

                ChildJvm.Result config = command(env, "config", "check", "--home", home.toString());
                assertThat(config.exit()).as(config.stdout() + config.stderr()).isZero();

                assertThat(router.get("/health").statusCode()).isLessThan(500);
            }

            // no router: the command opens the store itself
            ChildJvm.Result alone = command(env, "backups", "list", "--home", home.toString());
            assertThat(alone.exit()).as(alone.stderr()).isZero();
            assertThat(alone.stdout()).contains(archive);
        }
    }
}
