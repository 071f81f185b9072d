package io.opsrouter.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The JVM's exit waits up to 300 ms for any thread that sits in native code, and every JDK HttpClient keeps one
 * (its selector manager, in epoll) until the client is garbage: the probes, the channels and the outgoing heartbeat
 * each hold a client, so a stop took 0.3-0.5 s longer than the router's own work. Java 17's HttpClient has no
 * close(); an interrupt ends its selector manager's loop the same way. Only for the run command's process, once the
 * router has stopped: the clients are not used again, and nothing else in that JVM shares them.
 */
final class IdleSelectors {
    static final Pattern NAME = Pattern.compile("HttpClient-\\d+-SelectorManager");

    private IdleSelectors() {}

    /** Interrupts the selector managers of the JDK's HttpClients; returns the threads interrupted. */
    static List<Thread> release() {
        return release(t -> true);
    }

    static List<Thread> release(Predicate<Thread> which) {
        List<Thread> released = new ArrayList<>();
        for (Thread t : selectorThreads()) {
            if (which.test(t)) {
                t.interrupt();
                released.add(t);
            }
        }
        return released;
    }

    static List<Thread> selectorThreads() {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isDaemon() && NAME.matcher(t.getName()).matches()) found.add(t);
        }
        return found;
    }
}
