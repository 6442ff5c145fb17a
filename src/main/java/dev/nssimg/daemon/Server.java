package dev.nssimg.daemon;

import dev.nssimg.error.ExitCode;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.runtime.TurnLock;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resident nssimg: one warm JVM that serves invocations from the native
 * client (bin/nssimg), so that a build pays a few milliseconds of nssimg
 * instead of a JVM start. Started by the client on first use, one per user
 * and jar build; it ends itself when idle (NSSIMG_DAEMON_IDLE seconds, default
 * 900), when its jar is replaced, or when its socket is taken away.
 *
 * <p>It knows nothing of the command line: its entry point ({@code dev.nssimg.DaemonMain}) hands it the
 * one that {@code dev.nssimg.Main} uses too.
 *
 * <pre>java -cp nssimg.jar dev.nssimg.DaemonMain SOCKET JAR</pre>
 */
public final class Server {
    /** The daemon's main class (dev.nssimg.DaemonMain), by which its processes are told apart (and the client starts it). */
    public static final String MAIN_CLASS = "dev.nssimg.DaemonMain";

    /** What serves one invocation: the same entry as a plain run's (the CLI), with the invocation's own runtime. */
    @FunctionalInterface
    public interface Entry {
        int execute(Invocation inv, String[] args);
    }

    private static final long CHECK_MILLIS = 2000;
    /** How long a stopping daemon gives its commands: one bounded teardown and the drain after it, with a margin. */
    public static final long STOP_SECONDS = Cleanup.BOUND.toSeconds() + 10;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private volatile long lastActive = System.nanoTime();
    /** Set (under the sessions lock) once the daemon has decided to end: later connections are closed unanswered. */
    private boolean exiting;
    private final Entry entry;
    /** The build turns of this JVM, shared by every invocation it serves. */
    private final TurnLock.Turns turns = new TurnLock.Turns();

    private Server(Entry entry) {
        this.entry = entry;
    }

    /** Serves SOCKET for JAR until idle, stale or orphaned; args are the daemon's command line. */
    public static void main(String[] args, Entry entry) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: " + MAIN_CLASS + " SOCKET JAR");
            System.exit(ExitCode.USAGE.code());
        }
        new Server(entry).serve(Path.of(args[0]), Path.of(args[1]), idleSeconds(System.getenv("NSSIMG_DAEMON_IDLE")));
    }

    static long idleSeconds(String value) {
        try {
            return value == null || value.isBlank() ? 900 : Math.max(1, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 900;
        }
    }

    private void serve(Path socket, Path jar, long idleSeconds) throws IOException {
        Object stamp = stamp(jar);
        // The client holds the start lock, so nobody else is binding this path now; a file left there is stale.
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Object socketId = stamp(socket);
        Path pidFile = Path.of(socket + ".pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Object pidFileId = stamp(pidFile);
        Daemons.tidy(socket.getParent(), java.time.Duration.ofHours(1)); // what earlier jar builds' daemons left
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Stopped (SIGTERM): no new command is taken, and every running one is interrupted, side by side (each
            // teardown is bounded), and its client told, before the JVM halts.
            synchronized (sessions) {
                exiting = true;
            }
            List<Thread> stopping = new ArrayList<>();
            for (Session s : List.copyOf(sessions)) {
                Thread t = new Thread(() -> s.cancel(15), "nssimg-stop");
                t.start();
                stopping.add(t);
            }
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(STOP_SECONDS);
            try {
                for (Thread t : stopping) {
                    t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                }
                for (Session s : List.copyOf(sessions)) {
                    s.awaitDone(Math.max(1, (end - System.nanoTime()) / 1_000_000_000L));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteIfOurs(socket, socketId);
            deleteIfOurs(pidFile, pidFileId);
        }, "nssimg-daemon-stop"));
        Thread watch = new Thread(() -> watch(socket, socketId, jar, stamp, idleSeconds), "nssimg-idle");
        watch.setDaemon(true);
        watch.start();
        log("serving " + socket + " for " + jar + " (idle limit " + idleSeconds + " s)");
        while (true) {
            SocketChannel c = server.accept();
            Session s = new Session(c, entry, turns);
            // Registered under the lock the idle check takes: a connection is either served by a daemon that stays
            // until it has answered, or closed unanswered (its client then runs the command in a JVM of its own).
            synchronized (sessions) {
                if (exiting) {
                    c.close();
                    continue;
                }
                sessions.add(s);
            }
            Thread t = new Thread(() -> {
                try {
                    s.serve();
                } finally {
                    sessions.remove(s);
                    lastActive = System.nanoTime();
                }
            }, "nssimg-session");
            t.start();
        }
    }

    /** Ends the daemon when nothing runs and it is idle, stale (jar replaced) or orphaned (socket gone). */
    private void watch(Path socket, Object socketId, Path jar, Object stamp, long idleSeconds) {
        while (true) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            String why = null;
            synchronized (sessions) {
                if (sessions.stream().anyMatch(Session::active)) {
                    lastActive = System.nanoTime();
                    continue;
                }
                if (!socketId.equals(stamp(socket))) {
                    why = "its socket was removed or taken over";
                } else if (!stamp.equals(stamp(jar))) {
                    why = "its jar was rebuilt";
                } else if (System.nanoTime() - lastActive > idleSeconds * 1_000_000_000L) {
                    why = "idle for " + idleSeconds + " s";
                }
                exiting = why != null; // no connection accepted from now on is served
            }
            if (why != null) {
                log("exiting: " + why);
                System.exit(0);
            }
        }
    }

    /** What identifies a file version: its inode, size and modification time (null when it is gone). */
    private static Object stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return java.util.List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toString());
        } catch (IOException e) {
            return "gone";
        }
    }

    private static void deleteIfOurs(Path p, Object id) {
        try {
            if (id.equals(stamp(p))) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort on the way out
        }
    }

    private static void log(String msg) {
        System.err.println(java.time.Instant.now() + " nssimg daemon " + ProcessHandle.current().pid() + ": " + msg);
    }
}
