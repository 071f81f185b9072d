package io.opsrouter.cli;

import io.opsrouter.app.RouterApp;
import io.opsrouter.app.StartupException;
import io.opsrouter.config.Env;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        description = "Run the router until stopped (the default command).",
        mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {
    @Mixin
    HomeOption home = new HomeOption();

    /** The package step's class-data training run (pom.xml, Dockerfile): start as usual, stop cleanly, exit. */
    @Option(names = "--exit-when-ready", hidden = true)
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        Env env = Env.system();
        RouterApp app = new RouterApp(home.resolve(env), Map.of(), env, java.time.Clock.systemUTC(), Modules.all());
        try {
            app.start();
        } catch (StartupException e) {
            System.err.println("ops-router: " + e.getMessage());
            return 1;
        }
        if (exitWhenReady) {
            app.stop();
            return 0;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.stop();
                            IdleSelectors.release();
                        },
                        "ops-router-shutdown"));
        app.awaitStop();
        return 0;
    }
}
