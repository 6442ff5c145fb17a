package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * nssimg as an unprivileged user on rootless podman (scripts/testbed: the user nssimg-rootless with subordinate ids, its
 * podman configuration and storage in its home under the test bed, its API service on rootless podman's default
 * socket). One build and one run; the run maps the image's uid 1000 to the user (keep-id), so it writes the
 * workspace and HF cache the user owns. The test Dockerfile is test scaffolding written here, without RUN steps:
 * this machine kind's /dev/net/tun is root's alone, so rootless podman has no network namespace here (pasta fails;
 * its containers.conf says netns = "none" for containers, which podman build's RUN steps do not take).
 */
class RootlessPodmanIT {
    /** user and home from NSSIMG_TESTBED_ROOTLESS (scripts/testbed env); without it the tests fail. */
    static String[] rootless() {
        String v = System.getenv("NSSIMG_TESTBED_ROOTLESS");
        if (v == null || !v.contains(":")) {
            fail("NSSIMG_TESTBED_ROOTLESS is not set: these tests use the test bed's rootless podman user. Run them with"
                    + " scripts/test (make test), or eval \"$(scripts/testbed env)\" first (CI=" + System.getenv("CI") + ")");
        }
        return v.split(":", 2);
    }

    static Bed.Run as(String[] user, Path dir, List<String> argv) {
        Bed.Run id = Bed.exec(List.of("id", "-u", user[0]), Bed.ROOT, Map.of(), 30);
        assertEquals(0, id.exit(), "the rootless user exists: " + id.err());
        List<String> a = new ArrayList<>(List.of("runuser", "-u", user[0], "--", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin",
                "HOME=" + user[1], "XDG_RUNTIME_DIR=/run/user/" + id.out().strip(), "CONTAINERS_CONF=" + user[1] + "/containers.conf",
                "CONTAINERS_STORAGE_CONF=" + user[1] + "/storage.conf", "PODMAN_IGNORE_CGROUPSV1_WARNING=1", "NSSIMG_DAEMON=0"));
        a.addAll(argv);
        return Bed.exec(a, dir, Map.of(), 300);
    }

    static Bed.Run nssimg(String[] user, Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of(Bed.ROOT.resolve("bin/nssimg").toString()));
        argv.addAll(List.of(args));
        return as(user, dir, argv);
    }

    @Test
    void anUnprivilegedUserBuildsAndRunsAndUid1000WritesItsMounts() throws Exception {
        String[] user = rootless();
        Path dir = Files.createDirectories(Path.of(user[1], "it-" + Bed.RUN_ID));
        // No RUN step: a rootless RUN needs a network namespace (pasta), and /dev/net/tun is root's here.
        Files.writeString(dir.resolve("Dockerfile"), "FROM localhost/nssimg-example-base:amd64\nCOPY built /built\nUSER 1000\n");
        Files.writeString(dir.resolve("built"), "built\n");
        Files.createDirectories(dir.resolve("hf"));
        assertEquals(0, Bed.exec(List.of("chown", "-R", user[0] + ":", dir.toString()), Bed.ROOT, Map.of(), 30).exit());
        String tag = "nssimg-it-rootless:" + Bed.RUN_ID;
        try {
            Bed.Run build = nssimg(user, dir, "build", "--engine", "podman", "--file", "Dockerfile", "--context", ".", "--tag", tag);
            assertEquals(0, build.exit(), build.out() + build.err());
            assertTrue(build.out().startsWith("built " + tag), build.out());

            Bed.Run doctor = nssimg(user, dir, "doctor", "--engine", "podman");
            assertTrue(doctor.out().lines().anyMatch(l -> l.startsWith("engine ") && l.contains(" ok ")
                    && l.contains("(rootless podman's default)") && l.contains("rootless: run maps uid 1000 to you (keep-id)")), doctor.out());

            Bed.Run dry = nssimg(user, dir, "run", "--engine", "podman", "--image", tag, "--gpus", "none", "--hf-cache", "hf", "--dry-run");
            assertTrue(dry.out().startsWith("podman run --rm --label nssimg.run=true --userns=keep-id:uid=1000,gid=1000 "), dry.out());

            Bed.Run run = nssimg(user, dir, "run", "--engine", "podman", "--image", tag, "--gpus", "none", "--hf-cache", "hf", "--",
                    "sh", "-c", "id -u && cat /built && touch /workspace/from-container /workspace/.hf_cache/from-container && echo wrote");
            assertEquals(0, run.exit(), run.out() + run.err());
            assertEquals(List.of("1000", "built", "wrote"), run.out().strip().lines().toList());
            int uid = Integer.parseInt(Bed.exec(List.of("id", "-u", user[0]), Bed.ROOT, Map.of(), 30).out().strip());
            for (Path f : List.of(dir.resolve("from-container"), dir.resolve("hf/from-container"))) {
                assertEquals(uid, (Integer) Files.getAttribute(f, "unix:uid"), f + " belongs to the user, not a subordinate id");
            }

            // The control: without keep-id the image's uid 1000 is one of the user's subordinate ids and cannot write.
            Bed.Run plain = as(user, dir, List.of("podman", "run", "--rm", "-v", dir + ":/workspace", tag, "touch", "/workspace/plain"));
            assertNotEquals(0, plain.exit(), "uid 1000 without keep-id: " + plain.out() + plain.err());
            assertTrue(plain.err().contains("Permission denied"), plain.err());
        } finally {
            as(user, dir, List.of("podman", "rmi", "--force", tag));
            Bed.exec(List.of("rm", "-rf", dir.toString()), Bed.ROOT, Map.of(), 30);
        }
    }
}
