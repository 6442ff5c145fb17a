package dev.nssimg.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running daemons of this user, found the way the client finds them: the
 * pid files next to the sockets in $XDG_RUNTIME_DIR/nssimg (else
 * /tmp/nssimg-UID). A pid counts only while its process is a daemon serving
 * that socket, so a reused pid is never signalled.
 */
public final class Daemons {
    public record Running(long pid, Path socket, String jar, Duration uptime, long rssKib) {}

    private Daemons() {}

    /** The client's rule for the private directory (src/main/c/nssimg-client.c, private_dir). */
    public static Path dir(Map<String, String> env) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "nssimg");
        }
        return Path.of("/tmp", "nssimg-" + uid());
    }

    /** What a doctor says about the daemon for this environment: where it stands, and why. */
    public record Health(boolean ok, String detail, String hint) {}

    public static Health health(Map<String, String> env) {
        if ("0".equals(env.get("NSSIMG_DAEMON"))) {
            return new Health(true, "off (NSSIMG_DAEMON=0): every command starts its own JVM", "");
        }
        Path client = clientPath();
        if (client == null || !Files.isExecutable(client)) {
            return new Health(false, "no native client next to the jar: every command starts its own JVM (~150 ms more)",
                    "install a C compiler (Debian: gcc) and rebuild: mvn package");
        }
        Path dir = dir(env);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !isPrivate(dir)) {
            return new Health(false, dir + " is not private to this user, so the client will not use it",
                    "remove it, or set XDG_RUNTIME_DIR to a directory of your own");
        }
        long self = ProcessHandle.current().pid();
        List<Running> running = list(dir);
        for (Running d : running) {
            if (d.pid() == self) {
                return new Health(true, "this check ran in daemon " + self + " (up " + d.uptime().toSeconds() + " s, "
                        + d.rssKib() / 1024 + " MiB), " + dir, "");
            }
        }
        return new Health(true, running.isEmpty()
                ? "on; no daemon runs yet (the next command starts one in " + dir + ")"
                : "on; " + running.size() + " daemon(s) in " + dir + " (this check ran in a JVM of its own)", "");
    }

    /** mode 0700 (no access for group or others) and owned by this user: the client's own test. */
    static boolean isPrivate(Path dir) {
        try {
            var attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean othersNone = attrs.permissions().stream().noneMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
            long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            return attrs.isDirectory() && othersNone && owner == uid();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** target/nssimg-client next to the running jar (null when running from classes, as in unit tests). */
    private static Path clientPath() {
        try {
            Path jar = Path.of(Daemons.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.resolveSibling("nssimg-client") : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    public static List<Running> list(Path dir) {
        List<Running> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(dir, "*.sock.pid")) {
            for (Path pidFile : pids) {
                running(pidFile).ifPresent(out::add);
            }
        } catch (IOException e) {
            // an unreadable directory has no daemons we could talk to
        }
        out.sort(java.util.Comparator.comparingLong(Running::pid));
        return out;
    }

    private static Optional<Running> running(Path pidFile) {
        String name = pidFile.getFileName().toString();
        Path socket = pidFile.resolveSibling(name.substring(0, name.length() - ".pid".length()));
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isEmpty()) {
                return Optional.empty();
            }
            List<String> cmd = List.of(h.get().info().arguments().orElse(new String[0]));
            int at = cmd.indexOf(Server.MAIN_CLASS);
            if (at < 0 || at + 2 >= cmd.size() || !cmd.get(at + 1).equals(socket.toString())) {
                return Optional.empty();
            }
            Duration up = h.get().info().startInstant().map(s -> Duration.between(s, Instant.now())).orElse(Duration.ZERO);
            return Optional.of(new Running(pid, socket, cmd.get(at + 2), up, rssKib(pid)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Asks a daemon to stop (SIGTERM: running invocations are interrupted), then insists after timeout. */
    public static boolean stop(Running d, Duration timeout) {
        Optional<ProcessHandle> h = ProcessHandle.of(d.pid());
        if (h.isEmpty()) {
            return true;
        }
        h.get().destroy();
        try {
            h.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            h.get().destroyForcibly();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** Removes the logs and start locks of daemons that are gone (one pair per jar build accumulates otherwise). */
    public static void tidy(Path dir) {
        tidy(dir, Duration.ZERO);
    }

    /**
     * As tidy(dir), but only files untouched for minAge: what a daemon does at its start, when another client
     * may be starting another daemon (its lock and log are fresh) and a recent crash's log is still worth reading.
     */
    public static void tidy(Path dir, Duration minAge) {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (Running d : list(dir)) {
            String s = d.socket().getFileName().toString();
            live.add(s.substring(0, s.length() - ".sock".length()));
        }
        long before = System.currentTimeMillis() - minAge.toMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "d-*.{log,lock}")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!live.contains(n.substring(0, n.lastIndexOf('.')))
                        && (minAge.isZero() || Files.getLastModifiedTime(f).toMillis() < before)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile
        }
        return -1;
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}
