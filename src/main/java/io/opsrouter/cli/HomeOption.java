package io.opsrouter.cli;

import io.opsrouter.config.Env;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home}: the folder that holds {@code routes/}, {@code config/} and {@code data/}. */
public final class HomeOption {
    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "Folder holding routes/, config/ and data/ (default: $ROUTER_HOME or the current folder).")
    Path home;

    public Path resolve(Env env) {
        if (home != null) return home;
        return Path.of(env.getOrDefault("ROUTER_HOME", "."));
    }
}
