package dev.nssimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real containers/Dockerfile.cuda, built offline from the stand-ins (the offline profile): its layer design
 * (a code change ships the project's bytes, not the venv's; a tests/docs change re-runs nothing), the rebuild
 * cost report naming the Dockerfile line, the size budget, and the dev stage running make.
 */
class OfflineBuildIT {
    static final long MIB = 1024 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** build --json of the runtime stage from ctx; returns the result document. */
    private static JsonNode build(Path ctx, String tag, String... extra) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("build", "--profile", "offline", "--context", ctx.toString(),
                "--target", "runtime", "--tag", tag, "--json"));
        argv.addAll(List.of(extra));
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of(), argv.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        String last = r.out().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode doc = JSON.readTree(last);
        assertEquals("result", doc.path("event").asText(), last);
        return doc;
    }

    @Test
    void aCodeChangeShipsTheProjectsBytesAndATestsOrDocsChangeRerunsNothing() throws Exception {
        Path ctx = Bed.offlineContext(tmp.resolve("ctx"), "50M");
        String tag = "nssimg-it/offline-layers:" + Bed.RUN_ID;
        JsonNode first = build(ctx, tag);
        JsonNode largest = first.path("layers").path("largest");
        long venv = 0;
        for (JsonNode l : largest) {
            if (l.path("instruction").asText().equals("COPY --from=deps /opt/venv /opt/venv")) {
                venv = l.path("bytes").asLong();
            }
        }
        assertTrue(venv >= 50 * MIB, "the third-party venv layer holds the 50 MB payload: " + largest);

        // A code-only change: one line in the project's source.
        Path cli = ctx.resolve("src/nemo_safe_synthesizer/cli.py");
        Files.writeString(cli, Files.readString(cli) + "# a code change\n");
        JsonNode second = build(ctx, tag);
        JsonNode added = second.path("layers").path("added");
        long addedBytes = second.path("layers").path("addedBytes").asLong();
        // The project's own installed bytes: its package, dist-info, console script and their .pyc.
        Bed.Run du = Bed.exec(List.of("docker", "run", "--rm", "--entrypoint", "sh", tag, "-c",
                "cd /opt/venv/lib/python3.11/site-packages && find nemo_safe_synthesizer nemo_safe_synthesizer-0.0.0.dist-info "
                        + "/opt/venv/bin/safe-synthesizer -type f -exec stat -c %s {} + | awk '{s+=$1} END {print s}'"),
                Bed.ROOT, Map.of(), 60);
        assertEquals(0, du.exit(), du.err());
        long project = Long.parseLong(du.out().trim());
        assertTrue(project > 0);
        assertTrue(addedBytes >= 0 && addedBytes <= project + MIB,
                "a code change added " + addedBytes + " bytes; the project is " + project + " bytes: " + added);
        assertEquals(1, added.size(), "one new layer: " + added);
        int line = Files.readAllLines(Bed.ROOT.resolve("containers/Dockerfile.cuda"))
                .indexOf("COPY --from=project /opt/venv-project/ /opt/venv/") + 1;
        assertEquals("containers/Dockerfile.cuda:" + line, added.get(0).path("source").asText(), "the report names the line");
        Bed.Run ran = Bed.exec(List.of("docker", "run", "--rm", "--entrypoint", "sh", tag, "-c",
                "tail -n 1 /opt/venv/lib/python3.11/site-packages/nemo_safe_synthesizer/cli.py"), Bed.ROOT, Map.of(), 60);
        assertEquals("# a code change", ran.out().trim(), "the change is in the image");

        // Tests, docs and the Makefile: nothing re-runs, no layer is new.
        Files.writeString(ctx.resolve("tests/test_cli.py"), "# changed test\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(ctx.resolve("docs/index.md"), "changed docs\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(ctx.resolve("Makefile"), "# changed\n", java.nio.file.StandardOpenOption.APPEND);
        JsonNode third = build(ctx, tag);
        assertEquals(0, third.path("layers").path("added").size(), "no new layer: " + third.path("layers"));
        assertEquals(third.path("steps").asInt(), third.path("cachedSteps").asInt(), "every step cached: " + third);
        assertTrue(third.path("steps").asInt() > 10, "the steps were counted: " + third);
        System.out.printf("OfflineBuildIT: payload 50 MiB, venv layer %d bytes, code change added %d bytes, project %d bytes%n",
                venv, addedBytes, project);
    }

    @Test
    void aPushedMultiArchRebuildReportsEachPlatformsNewLayersFromTheRegistry() throws Exception {
        Path ctx = Bed.offlineContext(tmp.resolve("ctx"), "4M");
        String tag = Bed.REGISTRY + "/nssimg-it/offline-pushed-" + Bed.RUN_ID + ":latest";
        String[] push = {"--multiarch", "--registry", Bed.REGISTRY};
        JsonNode first = build(ctx, tag, push);
        JsonNode pushed = first.path("pushedLayers");
        assertEquals(2, pushed.size(), "both platforms, read from the registry: " + first);
        for (JsonNode p : pushed) {
            assertTrue(p.path("previousImage").isNull() && !p.has("added"), "a new repository has no previous image: " + p);
            long venv = 0;
            for (JsonNode l : p.path("largest")) {
                venv = l.path("instruction").asText().equals("COPY --from=deps /opt/venv /opt/venv") ? l.path("bytes").asLong() : venv;
            }
            assertTrue(venv > 3 * MIB && p.path("compressedBytes").asLong() > venv,
                    "the random payload stays about 4 MB compressed, in the venv layer: " + p);
        }

        Path cli = ctx.resolve("src/nemo_safe_synthesizer/cli.py");
        Files.writeString(cli, Files.readString(cli) + "# a pushed code change\n");
        Path summary = tmp.resolve("summary.md");
        List<String> argv = new java.util.ArrayList<>(List.of("build", "--profile", "offline", "--context", ctx.toString(),
                "--target", "runtime", "--tag", tag, "--json"));
        argv.addAll(List.of(push));
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of("GITHUB_STEP_SUMMARY", summary.toString()), argv.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        JsonNode second = JSON.readTree(r.out().lines().reduce((a, b) -> b).orElseThrow());
        int line = Files.readAllLines(Bed.ROOT.resolve("containers/Dockerfile.cuda"))
                .indexOf("COPY --from=project /opt/venv-project/ /opt/venv/") + 1;
        List<String> platforms = new java.util.ArrayList<>();
        for (JsonNode p : second.path("pushedLayers")) {
            platforms.add(p.path("platform").asText());
            JsonNode before = pushed.get(platforms.size() - 1);
            assertEquals(before.path("platform").asText(), p.path("platform").asText());
            assertTrue(p.path("previousImage").asText().startsWith("sha256:"), "the tag's previous manifest: " + p);
            JsonNode added = p.path("added");
            assertEquals(1, added.size(), "one new layer per platform: " + p);
            assertEquals("containers/Dockerfile.cuda:" + line, added.get(0).path("source").asText(), "the report names the line: " + p);
            assertTrue(p.path("addedBytes").asLong() > 0 && p.path("addedBytes").asLong() < MIB,
                    "a code change pushes kilobytes, not the venv: " + p);
        }
        assertEquals(List.of("linux/amd64", "linux/arm64"), platforms);
        String md = Files.readString(summary);
        assertTrue(md.contains("linux/arm64: ") && md.contains("compressed in 1 new layer")
                && md.contains("containers/Dockerfile.cuda:" + line + " COPY --from=project"), "the job summary says it too: " + md);

        // One platform in one buildx call: buildx still pushes an index (the image and its provenance), whose
        // one config imagetools prints as it is, not keyed by platform.
        String one = Bed.REGISTRY + "/nssimg-it/offline-pushed-one-" + Bed.RUN_ID + ":latest";
        build(ctx, one, "--platform", "linux/amd64", "--push");
        Files.writeString(cli, Files.readString(cli) + "# one more\n");
        JsonNode single = build(ctx, one, "--platform", "linux/amd64", "--push").path("pushedLayers");
        assertEquals(1, single.size(), single.toString());
        assertEquals("linux/amd64", single.get(0).path("platform").asText());
        assertTrue(single.get(0).path("count").asInt() > 5, "the layers were read: " + single);
        assertEquals(1, single.get(0).path("added").size(), single.toString());
        assertEquals("containers/Dockerfile.cuda:" + line, single.get(0).path("added").get(0).path("source").asText());
    }

    @Test
    void anImageOverItsBudgetFailsNamingItsLargestLayersWithTheirLines() {
        String tag = "nssimg-it/offline-budget:" + Bed.RUN_ID;
        Bed.Run r = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--profile", "offline", "--target", "runtime", "--tag", tag,
                "--max-size", "1MB");
        assertEquals(1, r.exit(), r.all());
        String err = r.err().lines().filter(l -> l.startsWith("nssimg: error:")).findFirst().orElse("");
        assertTrue(err.contains("over the size budget of 1.0 MB (flag --max-size); largest layers: "), err);
        assertTrue(err.contains("containers/Dockerfile.cuda:"), "a largest layer names its line: " + err);
        assertTrue(r.out().contains("budget     1.0 MB (flag --max-size): OVER by"), r.out());

        // Pushed: the compressed size in the registry is a lower bound of the size on disk, so over it is over.
        String pushed = Bed.REGISTRY + "/nssimg-it/offline-budget-" + Bed.RUN_ID + ":latest";
        Bed.Run p = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--profile", "offline", "--target", "runtime", "--tag", pushed,
                "--platform", "linux/amd64", "--push", "--max-size", "5MB");
        assertEquals(1, p.exit(), p.all());
        assertTrue(p.err().contains("(linux/amd64, compressed in its registry) is ") && p.err().contains("over the size budget of 5.0 MB"),
                p.err());
        assertTrue(p.out().contains("budget     5.0 MB (flag --max-size): OVER, compressed"), p.out());

        Bed.Run fits = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--profile", "offline", "--target", "runtime", "--tag", tag);
        assertEquals(0, fits.exit(), fits.all());
        assertTrue(fits.out().contains("(containers/profiles.yaml:") && fits.out().contains("(profile offline)): within"),
                "the profile's size-budget applies: " + fits.out());
    }

    @Test
    void theDevStageRunsMakeThroughTheMakefilesRunTarget() {
        String tag = "nssimg-it/offline-dev:" + Bed.RUN_ID;
        Bed.Run b = Bed.nssimg(Bed.ROOT, Map.of(), "build", "--profile", "offline", "--target", "dev", "--tag", tag);
        assertEquals(0, b.exit(), b.all());
        Bed.Run r = Bed.exec(List.of("make", "-s", "container-run-gpu-dev", "PROFILE=offline", "CONTAINER_GPU_IMAGE_DEV=" + tag,
                "CONTAINER_GPU_FLAG=", "CMD=make --version"), Bed.ROOT, Map.of("XDG_RUNTIME_DIR", Bed.RUNTIME.toString()), 120);
        assertEquals(0, r.exit(), r.all());
        // The run target builds first (as upstream's), then runs the command.
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("GNU Make ")), "make ran, not safe-synthesizer: " + r.out());
        Bed.Run git = Bed.exec(List.of("docker", "run", "--rm", tag, "git", "--version"), Bed.ROOT, Map.of(), 60);
        assertTrue(git.out().startsWith("git version"), git.all());
        Bed.Run venv = Bed.exec(List.of("docker", "run", "--rm", tag, "sh", "-c", "id -u && safe-synthesizer --help && ls /opt/venv/bin"),
                Bed.ROOT, Map.of(), 60);
        assertTrue(venv.out().startsWith("0\n") && venv.out().contains("usage: safe-synthesizer"), "root, and the venv works: " + venv.out());
        assertTrue(venv.out().contains("pytest") && venv.out().contains("ruff"), "the dev group: " + venv.out());
    }
}
