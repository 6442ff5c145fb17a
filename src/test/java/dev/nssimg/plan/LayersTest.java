package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.model.ImageHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which line made each layer: the Dockerfile's where its steps match the history, else the history's own words. */
class LayersTest {
    static final ImageHistory HISTORY = new ImageHistory("sha256:img", 300, List.of("sha256:a", "sha256:b", "sha256:c"), List.of(
            new ImageHistory.Entry("/bin/sh -c #(nop) ADD file:rootfs in /", 100),
            new ImageHistory.Entry("COPY /opt/venv /opt/venv # buildkit", 150),
            new ImageHistory.Entry("ENV A=1", 0),
            new ImageHistory.Entry("RUN /bin/sh -c make # buildkit", 50)));

    @Test
    void withoutADockerfileNoLayerIsCalledTheBaseImages() {
        Layers.Report r = Layers.of(null, HISTORY, List.of(), "");
        assertEquals(List.of("/bin/sh -c #(nop) ADD file:rootfs in /", "COPY /opt/venv /opt/venv", "RUN /bin/sh -c make"),
                r.layers().stream().map(Layers.Layer::describe).toList());
    }

    @Test
    void matchedStepsPlaceTheBoundary() {
        DockerfileInfo df = DockerfileInfo.parse("FROM base AS runtime\nCOPY /opt/venv /opt/venv\nENV A=1\nRUN make\n", "Dockerfile");
        Layers.Report r = Layers.of(null, HISTORY, df.steps(df.stage("runtime").orElseThrow()), "Dockerfile");
        assertEquals(List.of("(base image) /bin/sh -c #(nop) ADD file:rootfs in /", "Dockerfile:2 COPY /opt/venv /opt/venv",
                "Dockerfile:4 RUN make"), r.layers().stream().map(Layers.Layer::describe).toList());
    }
}
