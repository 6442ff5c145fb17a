package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A known token goes in through --secret and comes out nowhere: not in argv, logs, labels, history or layers. */
class SecretsIT {
    static final String TOKEN = "hf_itToken_" + UUID.randomUUID().toString().replace("-", "");

    @Test
    void aSecretReachesTheBuildAndAppearsNowhereElse() throws Exception {
        Path ctx = Files.createTempDirectory("nssimg-secret");
        Files.writeString(ctx.resolve("Dockerfile"), """
                FROM nssimg-example-base:amd64 AS runtime
                RUN --mount=type=secret,id=hf_token,required=true sha256sum /run/secrets/hf_token | cut -d' ' -f1 > /token.sha256
                """);
        Path tokenFile = ctx.resolve("token.txt");
        Files.writeString(tokenFile, TOKEN);
        String tag = "nssimg-it/secret:" + Bed.RUN_ID;
        Path summary = ctx.resolve("step-summary.md");
        Map<String, String> env = Map.of("NSS_IT_TOKEN", TOKEN, "GITHUB_STEP_SUMMARY", summary.toString());
        String[] args = {"build", "--file", ctx.resolve("Dockerfile").toString(), "--context", ctx.toString(), "--tag", tag,
            "--secret", "id=hf_token,env=NSS_IT_TOKEN", "--no-cache", "--verbose"};

        Bed.Run dry = Bed.nssimg(Bed.ROOT, env, withDryRun(args, false));
        Bed.Run dryJson = Bed.nssimg(Bed.ROOT, env, withDryRun(args, true));
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("--secret id=hf_token,env=NSS_IT_TOKEN"), "the secret is passed by reference: " + dry.out());
        Bed.Run build = Bed.nssimg(Bed.ROOT, env, args);
        assertEquals(0, build.exit(), build.err());

        // It reached the build: the image holds the token's hash, made by the RUN step.
        Bed.Run sha = Bed.docker("run", "--rm", "--entrypoint", "cat", tag, "/token.sha256");
        assertEquals(sha256(TOKEN), sha.out().strip(), "the build saw the secret");

        assertTrue(Files.readString(summary).contains("### nssimg built " + tag), "the job summary was written (and is scanned below)");
        Bed.Run history = Bed.docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag);
        Bed.Run inspect = Bed.docker("image", "inspect", tag);
        for (Map.Entry<String, String> place : Map.of(
                "dry-run", dry.all(), "dry-run --json", dryJson.all(), "build output and logs", build.all(),
                "the daemon's logs", daemonLogs(), "docker history", history.all(), "labels and config", inspect.all(),
                "the job summary", Files.readString(summary))
                .entrySet()) {
            assertFalse(place.getValue().contains(TOKEN), "token leaked into " + place.getKey());
        }
        assertFalse(imageContains(tag, TOKEN), "token leaked into an image layer");

        // Control: the scan does find a token that is baked into a layer (gzip-compressed there).
        Path leaky = Files.createTempDirectory("nssimg-leaky");
        Files.writeString(leaky.resolve("token.txt"), TOKEN);
        Files.writeString(leaky.resolve("Dockerfile"), "FROM nssimg-example-base:amd64\nCOPY token.txt /leaked\n");
        String leakyTag = "nssimg-it/leaky:" + Bed.RUN_ID;
        assertEquals(0, Bed.docker("buildx", "build", "--load", "-t", leakyTag, leaky.toString()).exit());
        assertTrue(imageContains(leakyTag, TOKEN), "the layer scan must see a baked-in token");
        Bed.docker("image", "rm", "-f", leakyTag);

        // With src= the file's path travels, never its content.
        Bed.Run src = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--file", ctx.resolve("Dockerfile").toString(), "--context",
                ctx.toString(), "--tag", tag, "--secret", "id=hf_token,src=" + tokenFile, "--dry-run");
        assertEquals(0, src.exit(), src.err());
        assertFalse(src.all().contains(TOKEN));
        Bed.docker("image", "rm", "-f", tag);
    }

    @Test
    void secretLikeBuildArgsAreRefusedBeforeAnythingRuns() {
        Bed.Run r = Bed.nssimg("build", "--build-arg", "HF_TOKEN=" + TOKEN);
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("looks like a secret") && r.err().contains("--secret"), r.err());
        assertFalse(r.all().contains(TOKEN));
    }

    private static String[] withDryRun(String[] args, boolean json) {
        List<String> l = new java.util.ArrayList<>(List.of(args));
        l.add("--dry-run");
        if (json) {
            l.add("--json");
        }
        return l.toArray(String[]::new);
    }

    /** Whether any file of `docker save TAG` (configs, manifests, every layer decompressed) contains the text. */
    private static boolean imageContains(String tag, String text) throws Exception {
        Process p = new ProcessBuilder("docker", "save", tag).start();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        p.getInputStream().transferTo(tar);
        assertEquals(0, p.waitFor());
        assertTrue(tar.size() > 1000, "docker save produced a tar");
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (byte[] entry : tarEntries(tar.toByteArray())) {
            byte[] content = entry;
            if (entry.length > 2 && (entry[0] & 0xff) == 0x1f && (entry[1] & 0xff) == 0x8b) {
                try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(entry))) {
                    content = in.readAllBytes();
                }
            }
            if (indexOf(content, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The file contents of a (ustar) tar archive. */
    private static List<byte[]> tarEntries(byte[] tar) {
        List<byte[]> out = new java.util.ArrayList<>();
        int pos = 0;
        while (pos + 512 <= tar.length && tar[pos] != 0) {
            String sizeField = new String(tar, pos + 124, 12, StandardCharsets.US_ASCII).trim().replace("\0", "");
            long size = sizeField.isEmpty() ? 0 : Long.parseLong(sizeField, 8);
            byte type = tar[pos + 156];
            if (type == '0' || type == 0) {
                out.add(java.util.Arrays.copyOfRange(tar, pos + 512, (int) (pos + 512 + size)));
            }
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** What the daemons of this test run wrote to their logs (the build above went through one). */
    static String daemonLogs() throws IOException {
        Path dir = Bed.RUNTIME.resolve("nssimg");
        assertTrue(Files.isDirectory(dir), "the builds ran through the daemon");
        StringBuilder all = new StringBuilder();
        try (var logs = Files.newDirectoryStream(dir, "*.log")) {
            for (Path log : logs) {
                all.append(Files.readString(log));
            }
        }
        assertTrue(all.toString().contains("serving "), "a daemon log was read: " + all);
        return all.toString();
    }
}
