package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/nssimg with its start-up archive, a stale one and none: same output, nothing extra on stderr. */
class StartupIT {
    static Bed.Run launch(Path home, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(home.resolve("bin/nssimg").toString()));
        argv.addAll(List.of(args));
        return Bed.exec(argv, Bed.ROOT, Map.of(), 60);
    }

    @Test
    void runsWithAFreshAStaleAndNoArchive(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("target"));
        Files.copy(Bed.ROOT.resolve("bin/nssimg"), home.resolve("bin/nssimg"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Bed.ROOT.resolve("target/nssimg.jar"), home.resolve("target/nssimg.jar"));
        Files.copy(Bed.ROOT.resolve("target/nssimg.jsa"), home.resolve("target/nssimg.jsa"));
        // The offline profile's context has every file the Dockerfile copies: stderr holds nothing but what leaks.
        String expected = Bed.nssimg("build", "--dry-run", "--profile", "offline", "--target", "dev").out();

        // The archive was made for another path: the JVM must ignore it quietly.
        Bed.Run moved = launch(home, "build", "--dry-run", "--profile", "offline", "--target", "dev");
        assertEquals(0, moved.exit(), moved.err());
        assertEquals("", moved.err());
        assertEquals(expected.replaceAll("created=\\S+", ""), moved.out().replaceAll("created=\\S+", ""));

        // A jar changed after the archive was made.
        Files.writeString(home.resolve("target/nssimg.jar"), "", java.nio.file.StandardOpenOption.APPEND);
        Files.setLastModifiedTime(home.resolve("target/nssimg.jar"), java.nio.file.attribute.FileTime.fromMillis(0));
        Bed.Run stale = launch(home, "--version");
        assertEquals(0, stale.exit(), stale.err());
        assertEquals("", stale.err());
        assertTrue(stale.out().startsWith("nssimg "), stale.out());

        Files.delete(home.resolve("target/nssimg.jsa"));
        Bed.Run none = launch(home, "--version");
        assertEquals(0, none.exit(), none.err());
        assertEquals(stale.out(), none.out());
    }

    @Test
    void theBuiltArchiveIsUsed() {
        Bed.Run r = Bed.exec(List.of("java", "-XX:SharedArchiveFile=" + Bed.ROOT.resolve("target/nssimg.jsa"), "-Xshare:on",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-jar",
                Bed.ROOT.resolve("target/nssimg.jar").toString(), "--version"), Bed.ROOT, Map.of(), 60);
        assertEquals(0, r.exit(), "-Xshare:on fails when the archive cannot be mapped: " + r.out() + r.err());
    }
}
