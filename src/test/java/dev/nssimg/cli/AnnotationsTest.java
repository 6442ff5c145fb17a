package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A published image's annotations repeat its labels as the build gives them: build arguments expanded per platform. */
class AnnotationsTest {
    @TempDir
    Path dir;

    @Test
    void aLabelThatUsesABuildArgIsAnnotatedWithItsValue() throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM scratch AS base
                ARG LICENSES=Apache-2.0
                ARG TITLE
                ARG TARGETARCH
                LABEL org.opencontainers.image.licenses="${LICENSES}" \\
                      org.opencontainers.image.title="nss for $TARGETARCH" \\
                      org.opencontainers.image.description="${DESC:-none}"
                """);
        TestCli.Result r = new TestCli().cwd(dir).env("SOURCE_DATE_EPOCH", "0").run("build", "--file", "Dockerfile",
                "--context", ".", "--tag", "127.0.0.1:5000/x/nss:1", "--platform", "linux/arm64", "--push", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("--annotation manifest:org.opencontainers.image.licenses=Apache-2.0 "), r.out());
        assertTrue(r.out().contains("'manifest:org.opencontainers.image.title=nss for arm64'"), r.out());
        assertFalse(r.out().contains("org.opencontainers.image.description"), "a form nssimg cannot expand is left out: " + r.out());
        TestCli.Result other = new TestCli().cwd(dir).env("SOURCE_DATE_EPOCH", "0").run("build", "--file", "Dockerfile",
                "--context", ".", "--tag", "127.0.0.1:5000/x/nss:1", "--platform", "linux/amd64", "--push",
                "--build-arg", "LICENSES=MIT", "--dry-run");
        assertTrue(other.out().contains("--annotation manifest:org.opencontainers.image.licenses=MIT "), other.out());
    }
}
