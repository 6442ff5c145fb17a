package dev.nssimg.runtime;

import dev.nssimg.lifecycle.Cleanup;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds that write the same metadata file take turns, so each reads the digest of its own build.
 * Across processes it is a lock on FILE.lock (kept: deleting a lock file races its next taker).
 * Within one JVM (the daemon serves many invocations) a {@link Turns} of that JVM comes first: a
 * JVM holds a file lock once, and closing any channel of the file would drop it (POSIX locks), so
 * a second invocation must not even open the file while the first holds the turn.
 */
public final class TurnLock implements AutoCloseable {
    /** The turns held in one JVM; its entry point makes one and hands it to every invocation. */
    public static final class Turns {
        private final Set<Path> held = ConcurrentHashMap.newKeySet();
    }

    private final Turns turns;
    private final Path key;
    private final FileChannel channel;

    private TurnLock(Turns turns, Path key, FileChannel channel) {
        this.turns = turns;
        this.key = key;
        this.channel = channel;
    }

    /** Takes the turn for file; calls waiting once if someone else has it. Ctrl-C (cleanup ran) ends the wait (exit 130). */
    public static TurnLock take(Path file, Runnable waiting, Cleanup cleanup, Turns turns) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        Path lockFile = key.resolveSibling(key.getFileName() + ".lock");
        Files.createDirectories(key.getParent());
        boolean told = false;
        while (true) {
            cleanup.checkNotInterrupted();
            if (turns.held.add(key)) {
                FileChannel ch = null;
                try {
                    ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.tryLock();
                    if (lock != null) {
                        return new TurnLock(turns, key, ch);
                    }
                } catch (IOException | RuntimeException e) {
                    close(ch);
                    turns.held.remove(key);
                    throw e;
                }
                close(ch); // another process has it: this JVM held no lock on the file, so closing drops nothing
                turns.held.remove(key);
            }
            if (!told) {
                waiting.run();
                told = true;
            }
            Thread.sleep(100);
        }
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing held yet
            }
        }
    }

    /** Gives the turn back (closing the channel releases its lock). */
    @Override
    public void close() {
        close(channel);
        turns.held.remove(key);
    }
}
