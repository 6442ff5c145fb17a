package dev.nssimg.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A bin/nssimg process the test can watch while it runs and signal. */
final class Live implements AutoCloseable {
    final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();

    private final List<Thread> pumps = new ArrayList<>();

    private Live(Process p) {
        this.process = p;
        pumps.add(pump(p.getInputStream(), out));
        pumps.add(pump(p.getErrorStream(), err));
    }

    /** Waits until process ends (true) or the time runs out (false). */
    static boolean awaitEnd(ProcessHandle process, long seconds) throws InterruptedException {
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    static Live start(Path dir, Map<String, String> env, String... args) throws IOException {
        Bed.engine();
        List<String> argv = new ArrayList<>(List.of(Bed.ROOT.resolve("bin/nssimg").toString()));
        argv.addAll(List.of(args));
        return new Live(Bed.process(argv, dir, env).start());
    }

    private static Thread pump(java.io.InputStream in, StringBuffer sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.append(line).append('\n');
                }
            } catch (IOException e) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until the output satisfies the condition (true) or the time runs out (false). */
    boolean await(Predicate<String> condition, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (condition.test(out + "\n" + err)) {
                return true;
            }
            if (!process.isAlive()) {
                return condition.test(out + "\n" + err);
            }
            Thread.sleep(20);
        }
        return false;
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("nssimg did not end within " + seconds + " s; stderr: " + err);
        }
        for (Thread t : pumps) {
            t.join(TimeUnit.SECONDS.toMillis(10)); // all of its output read (a grandchild holding the pipe: bounded)
        }
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** Processes started by this one that are still alive (they must all be gone). */
    List<ProcessHandle> survivors() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
