package io.opsrouter.backup;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.opsrouter.cli.OpsRouterCli;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Runs one CLI command in a child JVM and prints its memory: the largest heap in use after any garbage collection
 * (the live set, which is what must not grow with the table) and the process's peak RSS.
 */
public final class PeakMemoryMain {
    public static void main(String[] args) throws Exception {
        AtomicLong maxLive = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc)
                    .addNotificationListener(
                            (n, h) -> {
                                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                        n.getType())) return;
                                GarbageCollectionNotificationInfo info =
                                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                        .mapToLong(MemoryUsage::getUsed)
                                        .sum();
                                maxLive.accumulateAndGet(used, Math::max);
                            },
                            null,
                            null);
        }
        int code = OpsRouterCli.execute(args);
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM"))
                .findFirst()
                .orElse("VmHWM: 0 kB")
                .replaceAll("\\D", "");
        System.out.println("EXIT=" + code);
        System.out.println("MAX_LIVE_HEAP_BYTES=" + maxLive.get());
        System.out.println("VMHWM_KB=" + hwm);
        System.out.flush();
        System.exit(code);
    }
}
