package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.NssimgException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignerTest {
    static final String D = "sha256:" + "ab".repeat(32);

    @Test
    void imageReferencesAreParsedOnce() {
        ImageRef r = ImageRef.parse("127.0.0.1:5000/team/nss-gpu:cu129@" + D, "REF");
        assertEquals("127.0.0.1:5000", r.host());
        assertEquals("team/nss-gpu", r.path());
        assertEquals("cu129", r.tag());
        assertEquals(D, r.digest());
        assertEquals("127.0.0.1:5000/team/nss-gpu", r.repository());
        assertEquals("127.0.0.1:5000/team/nss-gpu:cu129@" + D, r.toString());
        ImageRef hub = ImageRef.parse("nss-gpu", "REF");
        assertEquals("docker.io", hub.registry());
        assertEquals("nss-gpu@" + D, hub.at(D).toString());
        assertEquals("localhost", ImageRef.parse("localhost/x:1", "REF").host());
        assertEquals("REF: 'Bad/Name:1' is not an image reference (repository 'Bad/Name')",
                assertThrows(NssimgException.class, () -> ImageRef.parse("Bad/Name:1", "REF")).getMessage());
        assertTrue(assertThrows(NssimgException.class, () -> ImageRef.parse("x@sha256:zz", "REF")).getMessage().contains("no valid digest"));
    }

    @Test
    void signingIsByDigestRecursiveAndNeverPrompts() {
        Signer keyed = new Signer("cosign.key", false, null, null, false);
        ImageRef at = ImageRef.parse("127.0.0.1:5000/a/nss:1", "t").at(D);
        assertEquals(List.of("cosign", "sign", "--yes", "--key", "cosign.key", "--tlog-upload=false", "--allow-http-registry",
                "--recursive", "127.0.0.1:5000/a/nss@" + D), keyed.signArgv(at, true));
        assertEquals(List.of("cosign", "verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", "127.0.0.1:5000/a/nss@" + D),
                keyed.forVerify().verifyArgv(at, false));
        Signer kms = new Signer("awskms:///alias/nss.key", false, null, null, true);
        assertEquals(kms, kms.forVerify(), "a URI serves both");
        Signer keyless = new Signer(null, true, "https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main",
                "https://token.actions.githubusercontent.com", true);
        assertEquals(List.of("cosign", "sign", "--yes", "--recursive", "ghcr.io/o/nss@" + D),
                keyless.signArgv(ImageRef.parse("ghcr.io/o/nss@" + D, "t"), false));
        assertEquals(List.of("cosign", "verify", "--certificate-identity", "https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main",
                "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", "ghcr.io/o/nss@" + D),
                keyless.verifyArgv(ImageRef.parse("ghcr.io/o/nss@" + D, "t"), false));
    }

    @Test
    void plainHttpOnlyWhereDockerAllowsIt() {
        assertTrue(Signer.plainHttp("127.0.0.1:5000", Set.of()));
        assertTrue(Signer.plainHttp("localhost:5000", Set.of()));
        assertTrue(Signer.plainHttp("[::1]:5000", Set.of()));
        assertFalse(Signer.plainHttp("ghcr.io", Set.of("127.0.0.0/8")));
        assertTrue(Signer.plainHttp("10.1.2.3:5000", Set.of("10.0.0.0/8")));
        assertFalse(Signer.plainHttp("11.1.2.3:5000", Set.of("10.0.0.0/8")));
        assertTrue(Signer.plainHttp("registry.lan:5000", Set.of("registry.lan:5000")));
        assertFalse(Signer.plainHttp("registry.lan:5001", Set.of("registry.lan:5000")));
    }

    @Test
    void aBuildSignsOncePerRepositoryItsTagsName() {
        Signer s = new Signer("k.key", false, null, null, true);
        List<Sign> signs = Sign.of(s, List.of("127.0.0.1:5000/a/nss:1.4.0", "127.0.0.1:5000/a/nss:latest", "ghcr.io/o/nss:1.4.0"), Set.of());
        assertEquals(2, signs.size());
        assertEquals(List.of("cosign", "sign", "--yes", "--key", "k.key", "--allow-http-registry", "--recursive",
                "127.0.0.1:5000/a/nss@${digest:index}"), signs.get(0).argv());
        List<String> remote = signs.get(1).argv(Map.of(Sign.INDEX, D));
        assertEquals("ghcr.io/o/nss@" + D, remote.get(remote.size() - 1));
        assertFalse(remote.contains("--allow-http-registry"), remote.toString());
        assertEquals(Command.Kind.SIGN, signs.get(0).kind());
    }
}
