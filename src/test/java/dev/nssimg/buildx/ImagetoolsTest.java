package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.ImageHistory;
import dev.nssimg.plan.Layers;
import dev.nssimg.runtime.Captured;
import dev.nssimg.runtime.ProcessLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pushed image's layers as its registry gives them: a platform manifest and its image config. */
class ImagetoolsTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;

    /** What each `docker buildx imagetools inspect` prints, by its reference and format (null: --raw). */
    private final Map<String, String> outputs = new HashMap<>();
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

    private Imagetools scripted(String builder) {
        ProcessLauncher l = (argv, env, cwd) -> {
            calls.add(argv);
            int i = argv.indexOf("inspect");
            String key = argv.get(i + 1).equals("--raw") ? argv.get(i + 2) + " raw" : argv.get(i + 1) + " " + argv.get(i + 3);
            String out = outputs.get(key);
            Path f = Files.createTempFile(dir, "out", ".json");
            if (out == null) {
                Files.writeString(f, "ERROR: " + argv.get(i + (argv.get(i + 1).equals("--raw") ? 2 : 1)) + ": not found");
                return new ProcessBuilder("sh", "-c", "cat \"$0\" >&2; exit 1", f.toString()).start();
            }
            Files.writeString(f, out, StandardCharsets.UTF_8);
            return new ProcessBuilder("cat", f.toString()).start();
        };
        return new Imagetools(new Captured(l, Map.of(), dir), 10, builder);
    }

    private static String index(String... platformDigests) {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < platformDigests.length; i += 2) {
            String[] p = platformDigests[i].split("/");
            m.append(m.length() == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"")
                    .append(platformDigests[i + 1]).append("\",\"size\":1,\"platform\":{\"os\":\"").append(p[0])
                    .append("\",\"architecture\":\"").append(p[1]).append("\"").append(p.length > 2 ? ",\"variant\":\"" + p[2] + "\"" : "")
                    .append("}}");
        }
        // the provenance of the first platform, as buildx attaches it
        m.append(",{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:att\",\"size\":1,")
                .append("\"annotations\":{\"vnd.docker.reference.digest\":\"").append(platformDigests[1])
                .append("\",\"vnd.docker.reference.type\":\"attestation-manifest\"},\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}");
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + m + "]}";
    }

    private static JsonNode manifest(long... sizes) throws Exception {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",")
                    .append("\"digest\":\"sha256:blob").append(i).append("\",\"size\":").append(sizes[i]).append("}");
        }
        return M.readTree("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:cfg\",\"size\":9},\"layers\":[" + layers + "]}");
    }

    /** The base's one layer, then ENV (no layer), COPY venv, LABEL (no layer), COPY project. */
    private static JsonNode config(String projectDiffId) throws Exception {
        return M.readTree("""
                {"architecture":"arm64","os":"linux",
                 "rootfs":{"type":"layers","diff_ids":["sha256:base","sha256:venv","%s"]},
                 "history":[{"created_by":"/bin/sh -c #(nop) ADD file:x in /"},
                            {"created_by":"ENV PATH=/opt/venv/bin","empty_layer":true},
                            {"created_by":"COPY --from=deps /opt/venv /opt/venv # buildkit"},
                            {"created_by":"LABEL a=b","empty_layer":true},
                            {"created_by":"COPY --from=project /opt/venv-project/ /opt/venv/ # buildkit"}]}
                """.formatted(projectDiffId));
    }

    @Test
    void eachLayerCarriesItsCompressedSizeAndTheConfigsDiffId() throws Exception {
        ImageHistory h = Imagetools.history("sha256:m1", manifest(30, 5000, 700), config("sha256:p1"));
        assertEquals("sha256:m1", h.id());
        assertEquals(5730, h.size());
        assertEquals(List.of("sha256:base", "sha256:venv", "sha256:p1"), h.diffIds());
        assertEquals(List.of(30L, 0L, 5000L, 0L, 700L), h.entries().stream().map(ImageHistory.Entry::size).toList(),
                "entries marked empty_layer have no bytes; the others take the manifest's layers in order");
        assertEquals(List.of(30L, 5000L, 700L), h.layerSizes(), "each diff ID's own size, for layers without history");
    }

    @Test
    void aRebuildFromTheRegistryNamesTheNewLayersLine() throws Exception {
        ImageHistory before = Imagetools.history("sha256:m1", manifest(30, 5000, 700), config("sha256:p1"));
        ImageHistory after = Imagetools.history("sha256:m2", manifest(30, 5000, 710), config("sha256:p2"));
        List<DockerfileInfo.Step> steps = List.of(new DockerfileInfo.Step("ENV", "ENV PATH=/opt/venv/bin", 10),
                new DockerfileInfo.Step("COPY", "COPY --from=deps /opt/venv /opt/venv", 11), new DockerfileInfo.Step("LABEL", "LABEL a=b", 12),
                new DockerfileInfo.Step("COPY", "COPY --from=project /opt/venv-project/ /opt/venv/", 13));
        Layers.Report r = Layers.of(before, after, steps, "containers/Dockerfile.cuda");
        assertEquals("sha256:m1", r.previousId());
        assertEquals(1, r.added().size());
        assertEquals("containers/Dockerfile.cuda:13", r.added().get(0).source());
        assertEquals(710, r.addedBytes());
        assertEquals("containers/Dockerfile.cuda:11", r.largest(1).get(0).source());
        assertNull(r.layers().get(0).source(), "the base's layer has no line of this Dockerfile");
    }

    @Test
    void aOnePlatformIndexWithItsProvenanceIsReadByDigestAndTheAttestationIsLeftOut() throws Exception {
        outputs.put("reg:5000/app:1 raw", index("linux/amd64", "sha256:m1"));
        outputs.put("reg:5000/app@sha256:m1 raw", manifest(30, 5000, 700).toString());
        outputs.put("reg:5000/app@sha256:m1 {{json .Image}}", config("sha256:p1").toString());
        Map<String, ImageHistory> h = scripted("nss-multi").histories("reg:5000/app:1").orElseThrow();
        assertEquals(List.of("linux/amd64"), List.copyOf(h.keySet()));
        assertEquals("sha256:m1", h.get("linux/amd64").id());
        assertEquals(List.of(30L, 5000L, 700L), h.get("linux/amd64").layerSizes());
        assertTrue(calls.stream().noneMatch(c -> String.join(" ", c).contains("sha256:att")), "the attestation is not read: " + calls);
        assertTrue(calls.stream().allMatch(c -> c.subList(0, 4).equals(List.of("docker", "buildx", "--builder", "nss-multi"))),
                "the build's builder reads too: " + calls);
    }

    @Test
    void platformsWithVariantsKeepTheirIndexNames() throws Exception {
        outputs.put("reg:5000/app:1 raw", index("linux/arm64/v8", "sha256:m2", "linux/amd64", "sha256:m1"));
        for (String d : List.of("sha256:m1", "sha256:m2")) {
            outputs.put("reg:5000/app@" + d + " raw", manifest(30, 5000, 700).toString());
            outputs.put("reg:5000/app@" + d + " {{json .Image}}", config("sha256:" + d.substring(7)).toString());
        }
        Map<String, ImageHistory> h = scripted(null).histories("reg:5000/app:1").orElseThrow();
        assertEquals(List.of("linux/arm64/v8", "linux/amd64"), List.copyOf(h.keySet()));
        assertEquals("sha256:m2", h.get("linux/arm64/v8").diffIds().get(2));
        assertTrue(calls.stream().noneMatch(c -> c.contains("--builder")), "no builder named, none passed: " + calls);
    }

    @Test
    void aTagTheRegistryLacksIsNoPreviousImageAndOtherFailuresSayWhy() throws Exception {
        assertEquals(Optional.empty(), scripted(null).histories("reg:5000/app:new"));
        outputs.put("reg:5000/app:1 raw", index("linux/amd64", "sha256:m1"));
        outputs.put("reg:5000/app@sha256:m1 raw", manifest(30).toString());
        NssimgException e = assertThrows(NssimgException.class, () -> scripted(null).histories("reg:5000/app:1"),
                "a platform whose config cannot be read is a failure, not an empty image");
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("reg:5000/app@sha256:m1 not found"), e.getMessage());
        assertTrue(Imagetools.notFound("ERROR: reg:5000/app:1: not found"));
        assertTrue(!Imagetools.notFound("error getting credentials - err: exec: \"docker-credential-x\": executable file not found in $PATH, out: ``"),
                "a missing credential helper is not a missing image");
    }

    @Test
    void aSingleManifestIsNamedByTheDigestOfItsBytes() throws Exception {
        String raw = manifest(30, 5000, 700).toString();
        outputs.put("reg:5000/app:1 raw", raw);
        outputs.put("reg:5000/app:1 {{json .Image}}", config("sha256:p1").toString());
        Map<String, ImageHistory> h = scripted(null).histories("reg:5000/app:1").orElseThrow();
        String digest = "sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8)));
        assertEquals(digest, h.get("linux/arm64").id(), "the platform comes from the config");
    }

    @Test
    void aBaseWithoutHistoryLeavesItsBottomLayersUnnamedButSized() throws Exception {
        // three layers, two history entries that made one: the base's layers have none
        JsonNode config = M.readTree("""
                {"architecture":"amd64","os":"linux","rootfs":{"diff_ids":["sha256:b1","sha256:b2","sha256:top"]},
                 "history":[{"created_by":"ENV A=1","empty_layer":true},{"created_by":"COPY x /x # buildkit"}]}""");
        ImageHistory h = Imagetools.history("sha256:m", manifest(100, 200, 300), config);
        assertEquals(List.of(0L, 300L), h.entries().stream().map(ImageHistory.Entry::size).toList(), "matched from the top");
        Layers.Report r = Layers.of(null, h, List.of(new DockerfileInfo.Step("ENV", "ENV A=1", 2),
                new DockerfileInfo.Step("COPY", "COPY x /x", 3)), "Dockerfile");
        assertEquals(List.of(100L, 200L, 300L), r.layers().stream().map(Layers.Layer::bytes).toList());
        assertEquals(600, r.imageBytes());
        assertEquals("Dockerfile:3", r.layers().get(2).source());
        assertEquals("(layer without history)", r.layers().get(0).instruction());
    }

    @Test
    void aOnePlatformImageConfigIsUsedAsItIsAndAMapIsLookedUpNormalized() throws Exception {
        JsonNode single = config("sha256:p1");
        assertEquals(single, Imagetools.configOf(single, "linux/arm64"));
        JsonNode map = M.readTree("{\"linux/arm64\":" + single + ",\"linux/arm/v7\":{\"os\":\"linux\"}}");
        assertEquals(single, Imagetools.configOf(map, "linux/arm64/v8"));
        assertEquals("linux", Imagetools.configOf(map, "linux/arm").path("os").asText());
    }
}
