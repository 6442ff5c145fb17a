package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing with the real cosign (2.x, the test bed's Debian package) against the loopback registry, offline: a key
 * pair made here, the transparency log off. A two-platform build pushed and signed, verified; the tag moved to
 * another digest, and the wrong key, fail verification; an unreachable registry is exit 3. Its index carries the
 * licence annotation expanded from the label's build argument.
 */
class SignIT {
    static final String PASSWORD = "sign-it-" + Bed.RUN_ID;

    @TempDir
    Path tmp;

    Path keys() {
        Bed.Run gen = Bed.exec(List.of("cosign", "generate-key-pair", "--output-key-prefix", "good"), tmp,
                Map.of("COSIGN_PASSWORD", PASSWORD), 60);
        assertEquals(0, gen.exit(), gen.err());
        Bed.Run wrong = Bed.exec(List.of("cosign", "generate-key-pair", "--output-key-prefix", "wrong"), tmp,
                Map.of("COSIGN_PASSWORD", PASSWORD), 60);
        assertEquals(0, wrong.exit(), wrong.err());
        return tmp;
    }

    Path dockerfile(String name, String content) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nARG TARGETARCH\nARG LICENSES=Apache-2.0\n"
                + "LABEL org.opencontainers.image.licenses=\"${LICENSES}\"\nCOPY payload /payload\n");
        Files.writeString(dir.resolve("payload"), content + "\n");
        return dir;
    }

    @Test
    void aPushedTwoPlatformBuildIsSignedVerifiedAndAMovedTagOrWrongKeyFails() throws Exception {
        Path keys = keys();
        String repo = Bed.REGISTRY + "/nssimg-it/signed-" + Bed.RUN_ID;
        Path dir = dockerfile("one", "first");
        Map<String, String> env = Map.of("COSIGN_PASSWORD", PASSWORD);
        Bed.Run b = Bed.nssimg(Bed.ROOT, env, "build", "--multiarch", "--registry", Bed.REGISTRY, "--file",
                dir.resolve("Dockerfile").toString(), "--context", dir.toString(), "--tag", repo + ":1",
                "--sign-key", keys.resolve("good.key").toString(), "--no-tlog");
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().contains("signed " + repo + "@sha256:"), b.out());
        assertTrue(b.out().contains("verify: cosign verify --key " + keys.resolve("good.pub") + " --insecure-ignore-tlog=true"
                + " --allow-http-registry " + repo + "@sha256:"), b.out());
        assertFalse(b.all().contains(PASSWORD), "the key's password never shows");
        // The label's build argument is expanded in the index's annotation, as in the label itself.
        Bed.Run inspect = Bed.nssimg("inspect", "--json", repo + ":1");
        assertEquals("Apache-2.0", MultiarchIT.JSON.readTree(inspect.out()).path("annotations")
                .path("org.opencontainers.image.licenses").asText(), inspect.out());

        Bed.Run v = Bed.nssimg(Bed.ROOT, Map.of(), "verify", repo + ":1", "--key", keys.resolve("good.pub").toString(), "--no-tlog",
                "--json");
        assertEquals(0, v.exit(), v.err());
        JsonNode doc = MultiarchIT.JSON.readTree(v.out());
        assertEquals("nssimg.signatures", doc.path("schema").path("name").asText());
        List<String> what = doc.path("manifests").findValuesAsText("what");
        assertEquals(List.of("index", "linux/amd64", "linux/arm64"), what, v.out());
        assertTrue(doc.path("verified").asBoolean(), v.out());

        Bed.Run wrong = Bed.nssimg(Bed.ROOT, Map.of(), "verify", repo + ":1", "--key", keys.resolve("wrong.pub").toString(), "--no-tlog");
        assertEquals(1, wrong.exit(), wrong.all());
        assertTrue(wrong.out().contains("FAILED: no signature by this key"), wrong.out());

        // The tag moved to an unsigned image: verification of the tag fails, by what it points at now.
        Path other = dockerfile("two", "second");
        Bed.Run moved = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--multiarch", "--registry", Bed.REGISTRY, "--file",
                other.resolve("Dockerfile").toString(), "--context", other.toString(), "--tag", repo + ":1");
        assertEquals(0, moved.exit(), moved.err());
        Bed.Run after = Bed.nssimg(Bed.ROOT, Map.of(), "verify", repo + ":1", "--key", keys.resolve("good.pub").toString(), "--no-tlog");
        assertEquals(1, after.exit(), after.all());
        assertTrue(after.out().startsWith("NOT verified: " + repo + ":1"), after.out());

        // nssimg sign signs what the tag names now, resolved once; then it verifies.
        Bed.Run dry = Bed.nssimg(Bed.ROOT, env, "sign", repo + ":1", "--key", keys.resolve("good.key").toString(), "--no-tlog",
                "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().matches("cosign sign --yes --key \\S+ --tlog-upload=false --allow-http-registry --recursive "
                + java.util.regex.Pattern.quote(repo) + "@sha256:[0-9a-f]{64}\\s*"), dry.out());
        Bed.Run sign = Bed.nssimg(Bed.ROOT, env, "sign", repo + ":1", "--key", keys.resolve("good.key").toString(), "--no-tlog");
        assertEquals(0, sign.exit(), sign.err());
        assertEquals(0, Bed.nssimg(Bed.ROOT, Map.of(), "verify", repo + ":1", "--key", keys.resolve("good.pub").toString(),
                "--no-tlog").exit());
    }

    @Test
    void anUnreachableRegistryIsExit3AndALoadedBuildIsNotSigned() throws Exception {
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of(), "verify", "127.0.0.1:1/nssimg-it/none:1", "--key", "x.pub", "--no-tlog");
        assertEquals(3, r.exit(), r.all());
        Path dir = dockerfile("loaded", "loaded");
        Bed.Run b = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--file", dir.resolve("Dockerfile").toString(), "--context",
                dir.toString(), "--tag", "nssimg-it/loaded:" + Bed.RUN_ID, "--sign-key", "k.key");
        assertEquals(2, b.exit(), b.all());
        assertTrue(b.err().contains("a loaded image has no registry digest to sign"), b.err());
    }

    @Test
    void doctorNamesCosign() {
        Bed.Run d = Bed.nssimg("doctor");
        assertTrue(d.out().lines().anyMatch(l -> l.matches("cosign +ok +cosign .*")), d.out());
    }
}
