package io.opsrouter.backup;

import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** A PostgreSQL database to back up or restore into: JDBC URL, user and password (from the environment, never a file). */
public record SourceDb(String url, String user, String password) {
    public static final String URL = "TARGET_DB_URL";
    public static final String USER = "TARGET_DB_USER";
    public static final String PASSWORD = "TARGET_DB_PASSWORD";

    public static SourceDb fromEnv(Env env) {
        String url = env.get(URL)
                .orElseThrow(() -> new SettingsException(
                        "environment",
                        URL,
                        "is not set",
                        "set TARGET_DB_URL to the database to back up, e.g. jdbc:postgresql://db:5432/postgres"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new SettingsException(
                    "environment",
                    URL,
                    "'" + redact(url) + "' is not a PostgreSQL JDBC URL",
                    "use jdbc:postgresql://host:5432/database");
        }
        return new SourceDb(url, env.get(USER).orElse(null), env.get(PASSWORD).orElse(null));
    }

    public Connection connect(String appName) throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", appName);
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }

    /** libpq parameters (host, port, dbname, sslmode) for pg_dump; the password goes in PGPASSWORD, never the command line. */
    public Map<String, String> libpqEnv() {
        URI u = URI.create(url.substring("jdbc:".length()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", u.getHost() == null ? "localhost" : u.getHost());
        env.put("PGPORT", Integer.toString(u.getPort() < 0 ? 5432 : u.getPort()));
        env.put("PGDATABASE", u.getPath().replaceFirst("^/", ""));
        if (u.getQuery() != null) {
            for (String kv : u.getQuery().split("&")) {
                String[] p = kv.split("=", 2);
                if (p.length == 2 && p[0].equals("sslmode")) env.put("PGSSLMODE", p[1]);
                if (p.length == 2 && p[0].equals("user") && user == null) env.put("PGUSER", p[1]);
                if (p.length == 2 && p[0].equals("password") && password == null) env.put("PGPASSWORD", p[1]);
            }
        }
        if (user != null) env.put("PGUSER", user);
        if (password != null) env.put("PGPASSWORD", password);
        return env;
    }

    public String database() {
        return URI.create(url.substring("jdbc:".length())).getPath().replaceFirst("^/", "");
    }

    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
