package dev.nssimg.buildx;

import dev.nssimg.lifecycle.Cleanup;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Builds that write the same metadata file take turns, so each reads the digest of its own build.
 * It is a lock on FILE.lock (kept: deleting a lock file races its next taker). Another process's
 * lock makes tryLock answer null; one held in this JVM (the daemon serves many invocations) makes it
 * throw OverlappingFileLockException: both mean "wait for the turn".
 */
final class TurnLock implements AutoCloseable {
    private final FileChannel channel;

    private TurnLock(FileChannel channel) {
        this.channel = channel;
    }

    /** Takes the turn for file; calls waiting once if someone else has it. Ctrl-C (cleanup ran) ends the wait (exit 130). */
    static TurnLock take(Path file, Runnable waiting, Cleanup cleanup) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        Path lockFile = key.resolveSibling(key.getFileName() + ".lock");
        Files.createDirectories(key.getParent());
        boolean told = false;
        while (true) {
            cleanup.checkNotInterrupted();
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return new TurnLock(ch);
                }
            } catch (OverlappingFileLockException e) {
                // held by another invocation of this JVM
            } catch (IOException | RuntimeException e) {
                close(ch);
                throw e;
            }
            close(ch);
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
    }
}
