package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.SpecCheckout;
import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build --sign and the profile's sign: section, as planned: argv, and bad input named. Nothing runs. */
class SigningCliTest {
    @TempDir
    Path tmp;

    Path profiles(String sign) throws Exception {
        Path file = tmp.resolve("profiles.yaml");
        Files.writeString(file, "defaults:\n  dockerfile: " + SpecCheckout.DIR.resolve("containers/Dockerfile.cuda") + "\n  context: "
                + SpecCheckout.DIR + "\n  platforms: [linux/amd64, linux/arm64]\nprofiles:\n  rel:\n    sign:\n" + sign.indent(6));
        return file;
    }

    @Test
    void aPushedBuildIsSignedByDigestAfterItsIndex() {
        TestCli.Result r = new TestCli().env("COSIGN_PASSWORD", "hunter2").run("build", "--multiarch", "--registry",
                "127.0.0.1:5000/team", "--sign-key", "cosign.key", "--no-tlog", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(lines.size() - 2).startsWith("docker buildx imagetools create"), r.out());
        assertEquals("cosign sign --yes --key cosign.key --tlog-upload=false --allow-http-registry --recursive"
                + " '127.0.0.1:5000/team/nss-gpu@${digest:index}'", lines.get(lines.size() - 1));
        assertFalse(r.out().contains("hunter2") || r.err().contains("hunter2"), "the key's password stays in the environment");
        TestCli.Result json = new TestCli().run("build", "--multiarch", "--registry", "127.0.0.1:5000/team", "--sign-key",
                "cosign.key", "--dry-run", "--json");
        assertTrue(json.out().contains("[\"cosign\",\"sign\",\"--yes\",\"--key\",\"cosign.key\",\"--allow-http-registry\""), json.out());
        assertTrue(json.spawned().stream().noneMatch(a -> a.get(0).equals("cosign")), json.spawned().toString());
        assertEquals(0, json.engineRequests(), "a dry run asks the engine nothing");
    }

    @Test
    void aRemoteRegistryIsNotLoosenedAndTheDryRunSaysWhatItDidNotAsk() {
        TestCli.Result r = new TestCli().run("build", "--multiarch", "--registry", "ghcr.io/o", "--sign-key", "env://COSIGN_KEY",
                "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().strip().endsWith("cosign sign --yes --key env://COSIGN_KEY --recursive 'ghcr.io/o/nss-gpu@${digest:index}'"),
                r.out());
        assertTrue(r.err().contains("dry run: the engine was not asked which registries it treats as insecure; cosign also gets"
                + " --allow-http-registry for ghcr.io if it lists them"), r.err());
    }

    @Test
    void keylessIsAnExplicitChoiceTestedAsArgv() throws Exception {
        Path file = profiles("keyless: true\nidentity: https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main\n"
                + "issuer: https://token.actions.githubusercontent.com\n");
        TestCli.Result r = new TestCli().env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t").run("build", "--config", file.toString(),
                "--profile", "rel", "--multiarch", "--registry", "ghcr.io/o", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().strip().endsWith("cosign sign --yes --recursive 'ghcr.io/o/nss-gpu@${digest:index}'"), r.out());
        // A token in the environment chooses nothing: without a key or keyless, --sign is refused.
        TestCli.Result none = new TestCli().env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t").run("build", "--multiarch", "--registry",
                "ghcr.io/o", "--sign", "--dry-run");
        assertEquals(2, none.exit());
        assertTrue(none.errLine().startsWith("nssimg: error: --sign-key: signing needs a key (--sign-key KEYREF"), none.err());
    }

    @Test
    void badSigningInputIsExit2NamingItsSource() throws Exception {
        TestCli.Result loaded = new TestCli().run("build", "--sign-key", "k.key", "--dry-run");
        assertEquals(2, loaded.exit());
        assertEquals("nssimg: error: flag --sign-key: the build loads its image and pushes nothing, and a loaded image has no"
                + " registry digest to sign; push it (--push, or --multiarch with --registry)", loaded.errLine());
        Path both = profiles("key: k.key\nkeyless: true\n");
        TestCli.Result r = new TestCli().run("build", "--config", both.toString(), "--profile", "rel", "--multiarch", "--registry",
                "ghcr.io/o", "--dry-run");
        assertEquals(2, r.exit());
        assertTrue(r.errLine().matches("nssimg: error: .*profiles.yaml:8 \\(profile rel\\): a key and keyless signing \\(.*profiles"
                + "\\.yaml:9 \\(profile rel\\)\\) are two choices; give one"), r.err());
        Path badBool = profiles("key: k.key\ntlog: maybe\n");
        TestCli.Result b = new TestCli().run("build", "--config", badBool.toString(), "--profile", "rel", "--dry-run");
        assertEquals(2, b.exit());
        assertTrue(b.errLine().endsWith("profiles.yaml:9: profiles.rel.sign.tlog must be true or false, not 'maybe'"), b.err());
        Path unknown = profiles("key: k.key\npassword: x\n");
        TestCli.Result u = new TestCli().run("build", "--config", unknown.toString(), "--profile", "rel", "--dry-run");
        assertEquals(2, u.exit());
        assertTrue(u.errLine().contains("profiles.yaml:9: unknown key 'password' in profiles.rel.sign"), u.err());
        // A profile's sign: on a build that only loads: a warning, not a refusal (a developer's local build).
        Path keyed = profiles("key: k.key\n");
        TestCli.Result local = new TestCli().run("build", "--config", keyed.toString(), "--profile", "rel", "--dry-run");
        assertEquals(0, local.exit(), local.err());
        assertTrue(local.err().contains("not signed: the profile's sign: section applies to pushed images"), local.err());
        assertFalse(local.out().contains("cosign"), local.out());
    }
}
