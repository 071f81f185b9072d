package io.opsrouter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** A sub-command a later issue fills: says so and exits 2. */
@Command(mixinStandardHelpOptions = true)
public class NotBuiltYet implements Callable<Integer> {
    public static final int EXIT = 2;

    @Spec
    CommandSpec spec;

    @Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("ops-router " + spec.name() + ": not built yet");
        return EXIT;
    }
}
