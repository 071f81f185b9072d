package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.ChildJvm;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class CommonPoolTest {
    /** Prints what CompletableFuture's default executor is in a JVM limited to one or two processors. */
    public static void main(String[] args) {
        if (args.length > 0) CommonPool.sizeBeforeFirstUse();
        Object executor = new CompletableFuture<Void>().defaultExecutor();
        System.out.println("pool=" + (executor instanceof ForkJoinPool ? 1 : 0));
        System.out.println("parallelism=" + ForkJoinPool.getCommonPoolParallelism());
    }

    @Test
    void onTwoCoresTheDefaultExecutorIsAPoolNotAThreadPerTask() throws Exception {
        var before = ChildJvm.run(
                List.of("-XX:ActiveProcessorCount=2"), CommonPoolTest.class.getName(), List.of(), Map.of(), null);
        assertThat(before.value("pool")).as("the JDK's default on two cores").isZero();

        var after = ChildJvm.run(
                List.of("-XX:ActiveProcessorCount=1"), CommonPoolTest.class.getName(), List.of("size"), Map.of(), null);
        assertThat(after.value("pool")).isEqualTo(1);
        assertThat(after.value("parallelism")).isEqualTo(2);
    }

    @Test
    void aParallelismGivenOnTheCommandLineIsKept() throws Exception {
        var given = ChildJvm.run(
                List.of("-XX:ActiveProcessorCount=2", "-D" + CommonPool.PARALLELISM + "=3"),
                CommonPoolTest.class.getName(),
                List.of("size"),
                Map.of(),
                null);
        assertThat(given.value("parallelism")).isEqualTo(3);
    }
}
