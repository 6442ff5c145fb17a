package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.engine.ImageHistory;
import dev.nssimg.plan.Layers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pushed image's layers as its registry gives them: a platform manifest and its image config. */
class ImagetoolsTest {
    private static final ObjectMapper M = new ObjectMapper();

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
        assertEquals("sha256:cfg", Imagetools.history(null, manifest(30, 5000, 700), config("sha256:p1")).id(),
                "without the manifest's digest (a single-platform tag read raw), the config's names it");
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
}
