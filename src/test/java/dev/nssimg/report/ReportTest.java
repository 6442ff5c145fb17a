package dev.nssimg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.app.Builds;
import dev.nssimg.app.Smokes;
import dev.nssimg.plan.Layers;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.smoke.Check;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportTest {
    private static final List<Check> CHECKS = List.of(new Check("linux/amd64", "user", true, "uid 1000"),
            new Check("linux/arm64", "labels", false, "missing <vendor> & \"x\""));

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Invocation inv() {
        return new Invocation(Map.of(), dir, new PrintWriter(out, true), new PrintWriter(err, true), (a, e, c) -> {
            throw new java.io.IOException("no processes");
        }, i -> {
            throw new IllegalStateException("no engine");
        });
    }

    @Test
    void smokeReportsTheImagesSizeAndLargestLayersWithTheirLines() throws Exception {
        Layers.Report layers = new Layers.Report(3L << 20, List.of(new Layers.Layer("sha256:a", 1L << 20, null, "base layer"),
                new Layers.Layer("sha256:b", 2L << 20, "containers/Dockerfile.cuda:120", "COPY --from=deps /opt/venv /opt/venv")),
                null, null);
        new Report(inv(), false).smoke(new Smokes.Outcome("img", CHECKS, layers), null);
        assertTrue(out.toString().contains("  size     3.0 MB in 2 layers\n"), out.toString());
        assertTrue(out.toString().contains("  largest  2.0 MB  containers/Dockerfile.cuda:120 COPY --from=deps /opt/venv /opt/venv"),
                out.toString());
        out.getBuffer().setLength(0);
        new Report(inv(), true).smoke(new Smokes.Outcome("img", CHECKS, layers), null);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertEquals(3L << 20, doc.path("size").asLong());
        assertEquals("containers/Dockerfile.cuda:120", doc.path("largest").get(0).path("source").asText());
    }

    @Test
    void aPushedBuildReportsEachPlatformsRebuildCostAsTheRegistryHoldsIt() throws Exception {
        Layers.Layer base = new Layers.Layer("sha256:a", 1L << 20, null, "(base image)");
        Layers.Layer venv = new Layers.Layer("sha256:b", 3L << 20, "containers/Dockerfile.cuda:117", "COPY --from=deps /opt/venv /opt/venv");
        Layers.Layer project = new Layers.Layer("sha256:c", 2048, "containers/Dockerfile.cuda:148",
                "COPY --from=project /opt/venv-project/ /opt/venv/");
        Map<String, Layers.Report> pushed = new java.util.LinkedHashMap<>();
        pushed.put("linux/amd64", new Layers.Report((4L << 20) + 2048, List.of(base, venv, project), List.of(project), "sha256:m1"));
        pushed.put("linux/arm64", new Layers.Report((4L << 20) + 2048, List.of(base, venv, project), null, null));
        Builds.Outcome b = new Builds.Outcome(List.of("reg/x:1"), "sha256:idx", List.of("linux/amd64", "linux/arm64"),
                dev.nssimg.plan.BuildRequest.Strategy.SPLIT, true, true, -1, java.time.Duration.ofSeconds(3), 0, 0, null, null, null, pushed);
        new Report(inv(), false).build(b);
        String text = out.toString();
        assertTrue(text.contains("  layers     linux/amd64: 4.0 MB compressed in the registry, 3 layers\n"
                + "  rebuild    adds 2.0 KB compressed in 1 new layer of 3\n"
                + "             2.0 KB compressed  containers/Dockerfile.cuda:148 COPY --from=project /opt/venv-project/ /opt/venv/\n"
                + "  largest    3.0 MB compressed  containers/Dockerfile.cuda:117 COPY --from=deps /opt/venv /opt/venv\n"), text);
        assertTrue(text.contains("  layers     linux/arm64: 4.0 MB compressed in the registry, 3 layers\n"
                + "  rebuild    no previous image of the tag to compare with\n"), text);
        assertFalse(text.contains("  size "), "a pushed image's unpacked size is not known here: " + text);
        out.getBuffer().setLength(0);
        new Report(inv(), true).build(b);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        JsonNode amd = doc.path("pushedLayers").get(0);
        assertEquals("linux/amd64", amd.path("platform").asText());
        assertEquals((4L << 20) + 2048, amd.path("compressedBytes").asLong());
        assertEquals("sha256:m1", amd.path("previousImage").asText());
        assertEquals(2048, amd.path("addedBytes").asLong());
        assertEquals("containers/Dockerfile.cuda:148", amd.path("added").get(0).path("source").asText());
        JsonNode arm = doc.path("pushedLayers").get(1);
        assertTrue(arm.path("previousImage").isNull() && !arm.has("addedBytes"), arm.toString());
        assertFalse(doc.has("layers"), "no loaded image");
        assertFalse(doc.has("sizeBudget"), "no budget");
        assertEquals(2, doc.path("schema").path("version").asInt(), "version 2: layers, pushedLayers, sizeBudget");

        // A budget: judged by the compressed sizes, and said so; without them, not judged at all.
        Builds.Budget budget = new Builds.Budget(1L << 20, "flag --max-size");
        out.getBuffer().setLength(0);
        new Report(inv(), true).build(new Builds.Outcome(b.tags(), b.digest(), b.platforms(), b.strategy(), true, true, -1, b.duration(),
                0, 0, null, budget, "image reg/x:1 (linux/amd64, compressed in its registry) is 4.0 MB, over ...", pushed));
        JsonNode sb = new ObjectMapper().readTree(out.toString()).path("sizeBudget");
        assertEquals("compressed", sb.path("measured").asText());
        assertTrue(sb.path("over").asBoolean(false), sb.toString());
        out.getBuffer().setLength(0);
        new Report(inv(), false).build(new Builds.Outcome(b.tags(), b.digest(), b.platforms(), b.strategy(), true, true, -1, b.duration(),
                0, 0, null, budget, null, pushed));
        assertTrue(out.toString().contains("  budget     1.0 MB (flag --max-size): within, compressed"), out.toString());
        out.getBuffer().setLength(0);
        new Report(inv(), true).build(new Builds.Outcome(b.tags(), b.digest(), b.platforms(), b.strategy(), true, true, -1, b.duration(),
                0, 0, null, budget, null, Map.of()));
        sb = new ObjectMapper().readTree(out.toString()).path("sizeBudget");
        assertTrue(sb.path("measured").isNull() && sb.path("over").isNull(), "nothing measured is not 'within': " + sb);
    }

    @Test
    void smokeRendersJsonWithItsSchemaAndWritesJUnitAtomically() throws Exception {
        Path f = dir.resolve("sub/report.xml");
        new Report(inv(), true).smoke(new Smokes.Outcome("img", CHECKS), dir.relativize(f));
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertEquals("nssimg.smoke", doc.path("schema").path("name").asText());
        assertEquals(4, doc.path("schema").path("version").asInt(), "version 4: each check's ran (a GPU check may not run)");
        assertTrue(doc.path("checks").get(0).path("ran").asBoolean(), doc.toString());
        assertEquals(-1, doc.path("size").asLong(), "not measured");
        assertFalse(doc.path("passed").asBoolean(true));
        assertEquals("missing <vendor> & \"x\"", doc.path("checks").get(1).path("detail").asText());
        String xml = Files.readString(f);
        assertEquals(JUnitXml.smoke("img", CHECKS), xml, "the file holds the whole report");
        assertTrue(xml.contains("tests=\"2\" failures=\"1\""), xml);
        assertTrue(xml.contains("missing &lt;vendor&gt; &amp; &quot;x&quot;"), xml);
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void junitStaysValidXmlWhateverADetailHolds() throws Exception {
        String detail = "\u001b[31mred\u001b[0m \u0000 nul, \ud800 lone surrogate, tab\tok";
        String xml = JUnitXml.smoke("img\u0007", List.of(new Check("linux/amd64", "help\u0001", false, detail)));
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        String message = d.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue();
        assertTrue(message.startsWith("\uFFFD[31mred\uFFFD[0m \uFFFD nul, \uFFFD lone surrogate, tab"), message);
        assertEquals("1", d.getDocumentElement().getAttribute("failures"));
    }

    @Test
    void everyJsonDocumentNamesItsSchema() throws Exception {
        for (Json.Schema s : Json.Schema.values()) {
            JsonNode doc = new ObjectMapper().readTree(Json.line(Json.document(s)));
            assertEquals(s.id(), doc.path("schema").path("name").asText());
            assertTrue(doc.path("schema").path("version").asInt() >= 1);
        }
    }
}
