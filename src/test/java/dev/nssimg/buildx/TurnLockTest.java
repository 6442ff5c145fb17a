package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.nssimg.lifecycle.Cleanup;
import java.io.PrintWriter;

class TurnLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondTakerInThisJvmWaitsForTheFirst() throws Exception {
        Path meta = dir.resolve(".nssimg/metadata-x.json");
        AtomicInteger waits = new AtomicInteger();
        TurnLock first = TurnLock.take(meta, waits::incrementAndGet, new Cleanup(new PrintWriter(System.err, true)));
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (TurnLock t = TurnLock.take(meta, waits::incrementAndGet, new Cleanup(new PrintWriter(System.err, true)))) {
                return System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(400);
        assertTrue(!second.isDone(), "the second waits while the first holds the turn");
        long released = System.nanoTime();
        first.close();
        assertTrue(second.get(10, TimeUnit.SECONDS) >= released);
        assertEquals(1, waits.get(), "told once that it waits");
        try (TurnLock again = TurnLock.take(meta, waits::incrementAndGet, new Cleanup(new PrintWriter(System.err, true)))) {
            assertEquals(1, waits.get(), "free again: no wait");
        }
    }

    @Test
    void anotherProcessHoldingTheTurnIsWaitedFor() throws Exception {
        Path meta = dir.resolve("metadata-y.json");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), meta.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("held", r.readLine(), "the other process took the turn");
            AtomicInteger waits = new AtomicInteger();
            CompletableFuture<Void> mine = CompletableFuture.runAsync(() -> {
                try (TurnLock t = TurnLock.take(meta, waits::incrementAndGet, new Cleanup(new PrintWriter(System.err, true)))) {
                    // got it
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(400);
            assertTrue(!mine.isDone() && waits.get() == 1, "waits while another process holds the turn");
            holder.getOutputStream().close(); // the holder gives the turn back when its stdin ends
            mine.get(10, TimeUnit.SECONDS);
        } finally {
            holder.destroyForcibly();
        }
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
    }

    /** Takes the turn, says "held", and keeps it until stdin ends. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (TurnLock t = TurnLock.take(Path.of(args[0]), () -> {}, new Cleanup(new PrintWriter(System.err, true)))) {
                System.out.println("held");
                System.out.flush();
                System.in.readAllBytes();
            }
        }
    }
}
