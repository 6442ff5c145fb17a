package dev.nssimg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A repository shaped like the Safe Synthesizer's (src/test/resources/upstream-shaped, files written for these
 * tests), laid out in a directory and committed to a git repository of its own: what nssimg meets in a user's
 * checkout. Its git status must stay clean whatever nssimg does there.
 */
public final class UpstreamRepo {
    public static final Path FIXTURE = TestCli.ROOT.resolve("src/test/resources/upstream-shaped");

    private UpstreamRepo() {}

    /**
     * The second fixture: shaped like upstream today (a python-slim Dockerfile with GPU variants as Python extras, mise
     * file and TOML tasks beside a stale Makefile, a DGX Spark Dockerfile of one unnamed stage, a .dockerignore that has
     * drifted from the Dockerfile). Files written for nssimg's tests, not upstream's.
     */
    public static final Path FIXTURE_TODAY = TestCli.ROOT.resolve("src/test/resources/upstream-today");

    /** Copies the fixture into dir, adds extra files (path, text), and commits it all. */
    public static Path create(Path dir, String... extra) {
        return create(FIXTURE, dir, extra);
    }

    /** The upstream-today fixture in dir, committed, with extra files (path, text). */
    public static Path createToday(Path dir, String... extra) {
        return create(FIXTURE_TODAY, dir, extra);
    }

    private static Path create(Path fixture, Path dir, String... extra) {
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = dir.resolve(fixture.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            for (int i = 0; i < extra.length; i += 2) {
                Path to = dir.resolve(extra[i]);
                Files.createDirectories(to.getParent());
                Files.writeString(to, extra[i + 1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "fixture");
        return dir;
    }

    /** `git status --porcelain --ignored`: empty when nssimg wrote nothing into the tree (ignored files included). */
    public static String status(Path dir) {
        return git(dir, "status", "--porcelain", "--ignored");
    }

    public static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=nssimg-test", "-c", "user.email=test@nssimg.invalid",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
