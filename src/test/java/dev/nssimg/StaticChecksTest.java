package dev.nssimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks of nssimg's own sources that need a tool but no engine: shellcheck over every shell script, and the native
 * client compiling without a warning. In CI (CI=true) a missing tool fails the test (scripts/testbed installs
 * shellcheck; the machine has cc); elsewhere it skips and says which tool to install.
 */
class StaticChecksTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();

    @Test
    void shellcheckIsClean() {
        List<String> argv = new ArrayList<>(List.of("shellcheck", "-x"));
        argv.addAll(List.of("containers/entrypoint.sh", "scripts/testbed", "scripts/test", "scripts/stress",
                "scripts/example", "scripts/engine-env", "bin/nssimg", ".ci/run", "scripts/offline-context",
                "containers/venv-files.sh", "examples/offline/standins/uv", "examples/offline/standins/apt-get",
                "examples/offline/standins/groupadd", "examples/offline/standins/useradd",
                "examples/offline/standins/wheel-bytes", "bench/run.sh"));
        String[] r = run(argv);
        assertEquals("0", r[0], r[1]);
    }

    @Test
    void theClientCompilesWithoutAWarning() {
        String[] r = run(List.of("cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                ROOT.resolve("src/main/c/nssimg-client.c").toString()));
        assertEquals("0", r[0], r[1]);
    }

    /** argv's exit code and output, bounded to 120 s; a missing program fails in CI and skips elsewhere. */
    private static String[] run(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).directory(ROOT.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            String why = argv.get(0) + " is not installed (scripts/testbed up installs it): " + e.getMessage();
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
            return null;
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", argv) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return new String[] {Integer.toString(p.exitValue()), out.join()};
    }
}
