package dev.nssimg.buildx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Carries a child's output while it runs: each line to stderr, prefixed by its platform when several build,
 * or (--json) only its progress events, to a listener. Lines and events of concurrent children never interleave.
 */
final class OutputPump {
    private final PrintWriter err;
    private final ProgressListener events;

    /** events: null to pass the children's lines to err. */
    OutputPump(PrintWriter err, ProgressListener events) {
        this.err = err;
        this.events = events;
    }

    /** "[label] " when label is not null, for the lines of one of several platforms. */
    static String prefix(String label) {
        return label == null ? "" : "[" + label + "] ";
    }

    /** Prints line to stderr as one line, whole, among concurrent children's. */
    void tell(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    /** Reads in to its end on a daemon thread, feeding progress; label: null when not prefixed. */
    Thread pump(InputStream in, String label, Progress progress) {
        return daemon("nssimg-pump", () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    var event = progress.accept(line);
                    if (events == null) {
                        if (label == null || !line.isBlank()) { // buildx's blank separators mean nothing once interleaved
                            tell(prefix(label) + line);
                        }
                    } else if (event != null) {
                        synchronized (this) {
                            events.event(event, label);
                        }
                    }
                }
            } catch (IOException e) {
                // the process went away; its exit code tells the rest
            }
        });
    }

    /** Reads in to its end on a daemon thread into sink. */
    static Thread collect(InputStream in, StringBuilder sink) {
        return daemon("nssimg-collect", () -> {
            try {
                String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                synchronized (sink) {
                    sink.append(s);
                }
            } catch (IOException e) {
                // ignored: exit code decides
            }
        });
    }

    /**
     * Waits for a child's output to end. A stopped child's own children can outlive it holding the pipe
     * (one it forked just as it was signalled is not among the descendants seen): once stopping, the
     * output gets two seconds more, not forever.
     */
    static void await(BooleanSupplier stopping, Thread... pumps) throws InterruptedException {
        for (Thread t : pumps) {
            while (t.isAlive() && !stopping.getAsBoolean()) {
                t.join(200);
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread t : pumps) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)); // join(0) would wait forever
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
