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

    private Live(Process p) {
        this.process = p;
        pump(p.getInputStream(), out);
        pump(p.getErrorStream(), err);
    }

    static Live start(Path dir, Map<String, String> env, String... args) throws IOException {
        Bed.engine();
        List<String> argv = new ArrayList<>(List.of(Bed.ROOT.resolve("bin/nssimg").toString()));
        argv.addAll(List.of(args));
        return new Live(Bed.process(argv, dir, env).start());
    }

    private static void pump(java.io.InputStream in, StringBuffer sink) {
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
        Thread.sleep(100); // let the pumps drain
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
