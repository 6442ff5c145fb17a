package dev.nssimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.lifecycle.Cleanup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnLockTest {
    /** This JVM's turns, as an entry point makes them. */
    static final TurnLock.Turns TURNS = new TurnLock.Turns();

    @TempDir
    Path dir;

    @Test
    void aSecondTakerInThisJvmWaitsForTheFirst() throws Exception {
        Path meta = dir.resolve(".nssimg/metadata-x.json");
        AtomicInteger waits = new AtomicInteger();
        CountDownLatch told = new CountDownLatch(1);
        Runnable waiting = () -> {
            waits.incrementAndGet();
            told.countDown();
        };
        TurnLock first = TurnLock.take(meta, waiting, new Cleanup(new PrintWriter(System.err, true)), TURNS);
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (TurnLock t = TurnLock.take(meta, waiting, new Cleanup(new PrintWriter(System.err, true)), TURNS)) {
                return System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(told.await(10, TimeUnit.SECONDS), "the second is told it waits while the first holds the turn");
        long released = System.nanoTime();
        first.close();
        assertTrue(second.get(10, TimeUnit.SECONDS) >= released, "the second took the turn only after the first gave it back");
        assertEquals(1, waits.get(), "told once that it waits");
        try (TurnLock again = TurnLock.take(meta, waits::incrementAndGet, new Cleanup(new PrintWriter(System.err, true)), TURNS)) {
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
            CountDownLatch told = new CountDownLatch(1);
            CompletableFuture<Long> mine = CompletableFuture.supplyAsync(() -> {
                try (TurnLock t = TurnLock.take(meta, told::countDown, new Cleanup(new PrintWriter(System.err, true)), TURNS)) {
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(told.await(10, TimeUnit.SECONDS), "told it waits while another process holds the turn");
            long released = System.nanoTime();
            holder.getOutputStream().close(); // the holder gives the turn back when its stdin ends
            assertTrue(mine.get(10, TimeUnit.SECONDS) >= released, "took the turn only after the holder gave it back");
        } finally {
            holder.destroyForcibly();
        }
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void aWaiterInThisJvmNeverDropsTheHoldersLockForAnotherProcess() throws Exception {
        Path meta = dir.resolve("metadata-z.json");
        Cleanup cleanup = new Cleanup(new PrintWriter(System.err, true));
        TurnLock first = TurnLock.take(meta, () -> {}, cleanup, TURNS);
        try {
            // A second invocation of this JVM waits (polling) while the first holds the turn...
            CountDownLatch polled = new CountDownLatch(1);
            CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
                try (TurnLock t = TurnLock.take(meta, polled::countDown, cleanup, TURNS)) {
                    return System.nanoTime(); // got it after the first
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(polled.await(10, TimeUnit.SECONDS), "the second has polled and found the turn taken");
            // ...and another process must still find the turn taken: POSIX locks drop on any close of the file.
            String java = ProcessHandle.current().info().command().orElse("java");
            Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), TryOnce.class.getName(),
                    meta.toString()).redirectErrorStream(true).start();
            String said = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(other.waitFor(20, TimeUnit.SECONDS));
            assertEquals("busy", said, "the other process could take the turn while this JVM held it");
            long released = System.nanoTime();
            first.close();
            assertTrue(second.get(10, TimeUnit.SECONDS) >= released, "the second took the turn only after the first");
        } finally {
            first.close();
        }
    }

    /** Tries the lock file once: prints busy or free. */
    public static final class TryOnce {
        public static void main(String[] args) throws Exception {
            Path key = Path.of(args[0]).toAbsolutePath().normalize();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(key.resolveSibling(key.getFileName() + ".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                System.out.println(ch.tryLock() == null ? "busy" : "free");
            }
        }
    }

    /** Takes the turn, says "held", and keeps it until stdin ends. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (TurnLock t = TurnLock.take(Path.of(args[0]), () -> {}, new Cleanup(new PrintWriter(System.err, true)), TURNS)) {
                System.out.println("held");
                System.out.flush();
                System.in.readAllBytes();
            }
        }
    }
}
