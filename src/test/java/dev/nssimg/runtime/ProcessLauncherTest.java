package dev.nssimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLauncherTest {
    @Test
    void programsAreFoundOnTheCallersPathNotTheJvms(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Path rel = Files.createDirectories(tmp.resolve("rel"));
        Files.writeString(a.resolve("docker"), "not executable");
        for (Path dir : new Path[] {b, rel}) {
            Path exe = Files.writeString(dir.resolve("docker"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(b.resolve("docker").toString(), ProcessLauncher.which("docker", a + ":" + b, tmp));
        assertEquals(tmp.resolve("rel").resolve("docker").toString(), ProcessLauncher.which("docker", "rel:" + b, tmp));
        assertEquals("./bin/docker", ProcessLauncher.which("./bin/docker", a.toString(), tmp));
        IOException e = assertThrows(IOException.class, () -> ProcessLauncher.which("docker", a.toString(), tmp));
        assertEquals("docker: not found on PATH", e.getMessage());
    }

    @Test
    void theChildGetsExactlyTheGivenEnvironment(@TempDir Path tmp) throws Exception {
        Process p = ProcessLauncher.system().start(java.util.List.of("env"),
                java.util.Map.of("PATH", "/usr/bin:/bin", "ONLY_THIS", "1"), tmp);
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals(java.util.Set.of("PATH=/usr/bin:/bin", "ONLY_THIS=1"), java.util.Set.copyOf(out.strip().lines().toList()));
    }
}
