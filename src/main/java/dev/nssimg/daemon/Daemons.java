package dev.nssimg.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
            List<String> cmd = cmdline(pid);
            int at = cmd.indexOf(Server.class.getName());
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
        java.util.Set<String> live = new java.util.HashSet<>();
        for (Running d : list(dir)) {
            String s = d.socket().getFileName().toString();
            live.add(s.substring(0, s.length() - ".sock".length()));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "d-*.{log,lock}")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!live.contains(n.substring(0, n.lastIndexOf('.')))) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    private static List<String> cmdline(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
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
