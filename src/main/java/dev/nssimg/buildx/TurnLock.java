package dev.nssimg.buildx;

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
 * Across processes it is a lock on FILE.lock (kept: deleting a lock file races its next taker);
 * within one JVM (the daemon serves many invocations) a set of the files held, since a JVM cannot
 * lock one file twice.
 */
final class TurnLock implements AutoCloseable {
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;

    private TurnLock(Path key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    /** Takes the turn for file; calls waiting once if someone else has it. Ctrl-C ends the wait (exit 130). */
    static TurnLock take(Path file, Runnable waiting) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        Path lockFile = key.resolveSibling(key.getFileName() + ".lock");
        Files.createDirectories(key.getParent());
        boolean told = false;
        while (true) {
            Cleanup.checkNotInterrupted();
            if (HELD_HERE.add(key)) {
                FileChannel ch = null;
                try {
                    ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.tryLock();
                    if (lock != null) {
                        return new TurnLock(key, ch);
                    }
                } catch (IOException | RuntimeException e) {
                    close(ch);
                    HELD_HERE.remove(key);
                    throw e;
                }
                close(ch);
                HELD_HERE.remove(key);
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
        HELD_HERE.remove(key);
    }
}
