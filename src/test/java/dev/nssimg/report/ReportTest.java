package dev.nssimg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.app.Invocation;
import dev.nssimg.app.Smokes;
import dev.nssimg.plan.Layers;
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
    void smokeRendersJsonWithItsSchemaAndWritesJUnitAtomically() throws Exception {
        Path f = dir.resolve("sub/report.xml");
        new Report(inv(), true).smoke(new Smokes.Outcome("img", CHECKS), dir.relativize(f));
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertEquals("nssimg.smoke", doc.path("schema").path("name").asText());
        assertEquals(3, doc.path("schema").path("version").asInt(), "version 3: the image's size and largest layers");
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
