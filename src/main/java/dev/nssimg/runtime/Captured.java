package dev.nssimg.runtime;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Short docker CLI queries (buildx version, ls, imagetools inspect): run, capture, time-bound. */
public final class Captured {
    public record Output(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        public String lastErrorLine() {
            return Lines.last(stderr.isBlank() ? stdout : stderr);
        }
    }

    private final ProcessLauncher launcher;
    private final Map<String, String> env;
    private final Path cwd;

    public Captured(ProcessLauncher launcher, Map<String, String> env, Path cwd) {
        this.launcher = launcher;
        this.env = env;
        this.cwd = cwd;
    }

    /** Runs argv; exit 127 when the program cannot be started at all. */
    public Output capture(List<String> argv, long timeoutSeconds) {
        Process p;
        try {
            p = launcher.start(argv, env, cwd);
        } catch (IOException e) {
            return new Output(127, "", e.getMessage());
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Output(124, "", String.join(" ", argv) + " timed out after " + timeoutSeconds + " s");
            }
            return new Output(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        } catch (IOException e) {
            return new Output(1, "", e.getMessage());
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
