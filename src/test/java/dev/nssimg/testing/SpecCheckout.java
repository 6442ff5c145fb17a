package dev.nssimg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * TEST SCAFFOLDING: a checkout shaped like the Safe Synthesizer repository that the spec's own files serve. nssimg's
 * repository holds the reference {@code containers/}, {@code Makefile} and {@code .dockerignore}, but it is a Maven
 * project: it has no {@code pyproject.toml} or {@code uv.lock}, so a build of {@code containers/Dockerfile.cuda} from
 * it fails (and {@code check} says so). Tests that plan builds of the reference files run here instead: those files
 * copied byte for byte, beside the stand-in source tree of {@code examples/offline/source}. Laid out once per test
 * JVM in a temporary directory and committed to a git repository of its own, removed when the JVM exits; nothing is written into the repository.
 */
public final class SpecCheckout {
    /** The checkout's root. */
    public static final Path DIR = layOut();

    private SpecCheckout() {}

    private static Path layOut() {
        Path root = TestCli.ROOT;
        try {
            Path dir = Files.createTempDirectory("nssimg-spec-checkout-").toRealPath();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(dir)));
            copyTree(root.resolve("examples/offline/source"), dir);
            copyTree(root.resolve("containers"), dir.resolve("containers"));
            for (String f : List.of("Makefile", ".dockerignore")) {
                Files.copy(root.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            // A git work tree with one commit, as a checkout is (labels read HEAD; the tests' FakeGit answers the rest).
            UpstreamRepo.git(dir, "init", "-q");
            UpstreamRepo.git(dir, "add", "-A");
            UpstreamRepo.git(dir, "commit", "-q", "-m", "spec checkout");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("laying out the spec checkout", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void remove(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit: a temporary directory
        }
    }
}
