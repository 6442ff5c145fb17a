package dev.nssimg.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.model.FileFacts;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import dev.nssimg.profile.ImageTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The judgements of the repository's own checks, from what the engine reported (pure). */
class ImageTestRunnerTest {
    static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\nappuser:x:1000:1000::/home/appuser:/bin/sh\n";
    static final String GROUP = "root:x:0:\nappuser:x:1000:\nvideo:x:44:appuser\n";

    static ImageFacts image(String user) {
        return new ImageFacts("img", "id", "linux/amd64", 1, Map.of("org.opencontainers.image.licenses", "Apache-2.0"), user,
                List.of("/usr/bin/tini", "--"), List.of(), List.of("HF_HOME=/workspace/.hf_cache"), List.of(), "/workspace",
                List.of("8000/tcp"));
    }

    @Test
    void usersCompareByResolvedIds() {
        assertEquals(new Users.Ids(1000, 1000), Users.resolve("appuser", PASSWD, GROUP));
        assertEquals(new Users.Ids(1000, 1000), Users.resolve("1000:1000", PASSWD, GROUP));
        assertEquals(new Users.Ids(1000, 44), Users.resolve("appuser:video", PASSWD, GROUP));
        assertEquals(new Users.Ids(0, 0), Users.resolve("", PASSWD, GROUP));
        assertEquals(new Users.Ids(4242, 0), Users.resolve("4242", PASSWD, GROUP), "an id without an entry: group 0, as runc does");
        assertNull(Users.resolve("nobody-here", PASSWD, GROUP));
        Check same = ImageTestRunner.metadata("linux/amd64", "test:user", new ImageTest.User("1000:1000"), image("appuser"), PASSWD, GROUP);
        assertTrue(same.ok(), same.detail());
        Check root = ImageTestRunner.metadata("linux/amd64", "test:user", new ImageTest.User("appuser"), image(""), PASSWD, GROUP);
        assertFalse(root.ok());
        assertEquals("runs as root (no USER) (0:0), expected appuser (1000:1000)", root.detail());
    }

    @Test
    void metadataChecks() {
        ImageFacts img = image("appuser");
        assertTrue(ImageTestRunner.metadata("p", "n", new ImageTest.Env("HF_HOME", Pattern.compile("^/workspace")), img, null, null).ok());
        assertEquals("TOKEN is not set", ImageTestRunner.metadata("p", "n", new ImageTest.Env("TOKEN", null), img, null, null).detail());
        assertTrue(ImageTestRunner.metadata("p", "n", new ImageTest.Label("org.opencontainers.image.licenses", null), img, null, null).ok());
        assertFalse(ImageTestRunner.metadata("p", "n", new ImageTest.Workdir("/app"), img, null, null).ok());
        assertTrue(ImageTestRunner.metadata("p", "n", new ImageTest.Exposed(List.of("8000")), img, null, null).ok());
        assertEquals("does not expose 9000/udp (exposes: 8000/tcp)",
                ImageTestRunner.metadata("p", "n", new ImageTest.Exposed(List.of("9000/udp")), img, null, null).detail());
        assertTrue(ImageTestRunner.metadata("p", "n", new ImageTest.Entrypoint(List.of("/usr/bin/tini", "--")), img, null, null).ok());
    }

    @Test
    void fileChecks() {
        FileFacts script = new FileFacts("/e.sh", false, false, null, 0755, 0, 0, "root", "root",
                "#!/bin/sh\nexec \"$@\"\n".getBytes(StandardCharsets.UTF_8), false);
        ImageTest.FileProbe want = new ImageTest.FileProbe("/e.sh", true, 0755, "root:root", Pattern.compile("exec"));
        assertTrue(ImageTestRunner.file("p", "n", want, Optional.of(script), PASSWD, GROUP).ok());
        Check mode = ImageTestRunner.file("p", "n", new ImageTest.FileProbe("/e.sh", true, 0700, "appuser", null), Optional.of(script),
                PASSWD, GROUP);
        assertEquals("/e.sh: mode 0755, expected 0700; owned by 0:0, expected appuser (1000:1000)", mode.detail());
        assertFalse(ImageTestRunner.file("p", "n", want, Optional.empty(), PASSWD, GROUP).ok());
        assertTrue(ImageTestRunner.file("p", "n", new ImageTest.FileProbe("/x", false, null, null, null), Optional.empty(), null, null).ok());
        assertFalse(ImageTestRunner.file("p", "n", new ImageTest.FileProbe("/e.sh", false, null, null, null), Optional.of(script), null,
                null).ok());
    }

    @Test
    void commandResults() {
        ImageTest.Command c = new ImageTest.Command(List.of("python", "--version"), false, 0, Pattern.compile("Python 3"), null, 0,
                false, false);
        assertTrue(ImageTestRunner.commandResult("p", "n", c, new RunResult(0, false, "Python 3.13.1\n", "", "id"),
                Duration.ofSeconds(5)).ok());
        Check wrong = ImageTestRunner.commandResult("p", "n", c, new RunResult(127, false, "", "exec: python: not found\n", "id"),
                Duration.ofSeconds(5));
        assertEquals("python --version: exited 127, expected 0 (exec: python: not found); stdout does not match /Python 3/",
                wrong.detail());
        assertEquals("python --version did not finish within 5 s", ImageTestRunner.commandResult("p", "n", c,
                new RunResult(-1, true, "", "", "id"), Duration.ofSeconds(5)).detail());
    }

    @Test
    void aNotRunCheckPassesNothingAndFailsNothing() {
        Check n = Check.notRun("linux/arm64", "test:gpu", "emulated");
        assertEquals("not run", n.result());
        assertTrue(n.ok());
        assertFalse(n.ran());
    }
}
