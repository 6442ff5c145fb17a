package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void plainProgressCountsStepsCachedAndTheFailure() {
        Progress p = new Progress();
        for (String line : """
                #1 [internal] load build definition from Dockerfile
                #5 [deps 1/3] FROM docker.io/library/base:amd64@sha256:abc
                #6 [deps 2/3] COPY a /a
                #6 CACHED
                #7 [deps 3/3] RUN make
                #7 0.120 compiling
                #7 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2
                ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2
                """.split("\n")) {
            p.accept(line);
        }
        assertEquals(2, p.steps(), "FROM and internal vertices are not steps");
        assertEquals(1, p.cachedSteps());
        assertEquals("[deps 3/3] RUN make", p.failedStep());
        assertEquals("process \"/bin/sh -c make\" did not complete successfully: exit code: 2", p.error());
    }

    @Test
    void oneCallForSeveralPlatformsCountsEachPlatformsStepsAndNamesThePlatform() {
        Progress p = new Progress();
        p.accept("{\"vertexes\":[{\"digest\":\"d0\",\"name\":\"[linux/arm64 deps 1/3] FROM docker.io/library/base\",\"completed\":\"t\"},"
                + "{\"digest\":\"d1\",\"name\":\"[linux/amd64 deps 2/3] COPY a /a\",\"completed\":\"t\",\"cached\":true},"
                + "{\"digest\":\"d2\",\"name\":\"[internal] load metadata\",\"completed\":\"t\"}]}");
        java.util.Map<String, Object> e = p.accept("{\"vertexes\":[{\"digest\":\"d3\",\"name\":\"[linux/arm64 deps 2/3] COPY a /a\","
                + "\"completed\":\"t\"}]}");
        p.accept("#9 [linux/amd64 runtime 3/3] RUN true");
        assertEquals(3, p.steps(), "two platforms' COPY steps and a plain one; FROM and internal vertices are not steps");
        assertEquals(1, p.cachedSteps());
        assertEquals("linux/arm64", e.get("platform"));
    }

    @Test
    void prettyPrintedRawJsonIsGatheredAndSingleStageStepsCount() {
        Progress p = new Progress();
        Object last = null;
        for (String line : "{\n  \"vertexes\": [\n    {\n      \"digest\": \"d1\",\n      \"name\": \"[2/2] RUN true\",\n      \"completed\": \"t\",\n      \"cached\": true\n    }\n  ]\n}".split("\n")) {
            last = p.accept(line);
        }
        assertNotNull(last, "event once the object closes");
        assertEquals(1, p.steps());
        assertEquals(1, p.cachedSteps());
    }

    @Test
    void rawJsonProgressBecomesEvents() {
        Progress p = new Progress();
        p.accept("{\"vertexes\":[{\"digest\":\"sha256:1\",\"name\":\"[runtime 2/3] COPY x /x\",\"started\":\"t\"}]}");
        var ev = p.accept("{\"vertexes\":[{\"digest\":\"sha256:1\",\"name\":\"[runtime 2/3] COPY x /x\",\"started\":\"t\","
                + "\"completed\":\"t2\",\"cached\":true}]}");
        assertNotNull(ev);
        assertEquals("step", ev.get("event"));
        assertEquals(true, ev.get("cached"));
        var err = p.accept("{\"vertexes\":[{\"digest\":\"sha256:2\",\"name\":\"[runtime 3/3] RUN false\",\"error\":\"exit code: 1\"}]}");
        assertEquals("step-error", err.get("event"));
        assertEquals(2, p.steps());
        assertEquals(1, p.cachedSteps());
        assertEquals("[runtime 3/3] RUN false", p.failedStep());
    }

    @Test
    void aMissingBuildxPluginIsRecognisedAndPushDigestsAreRead() {
        Progress p = new Progress();
        p.accept("ERROR: BuildKit is enabled but the buildx component is missing or broken.");
        assertEquals(true, p.buildxMissing());
        assertEquals(false, p.sawBuildkit());
        Progress push = new Progress();
        push.accept("latest-amd64: digest: sha256:" + "a".repeat(64) + " size: 856");
        assertEquals("sha256:" + "a".repeat(64), push.pushedDigest());
        Progress failedPush = new Progress();
        failedPush.accept("Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused");
        assertEquals("Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused", failedPush.error());
    }

    @Test
    void theStoredImageIsAnnouncedOnceWhenTheExporterIsDone() {
        int[] calls = {0};
        Progress p = new Progress();
        p.onImageStored(() -> calls[0]++);
        for (String line : """
                #17 [runtime 6/6] WORKDIR /workspace
                #17 DONE 0.0s
                #18 exporting to image
                #18 exporting layers done
                #18 naming to docker.io/library/nss-example:latest done
                """.split("\n")) {
            p.accept(line);
        }
        assertEquals(0, calls[0], "a step's DONE, or the exporter still working, is not it");
        p.accept("#18 DONE 0.1s");
        p.accept("#18 DONE 0.1s");
        assertEquals(1, calls[0]);

        Progress raw = new Progress();
        raw.onImageStored(() -> calls[0]++);
        raw.accept("{\"vertexes\":[{\"digest\":\"e\",\"name\":\"exporting to image\",\"started\":\"t\"}]}");
        assertEquals(1, calls[0]);
        raw.accept("{\"vertexes\":[{\"digest\":\"e\",\"name\":\"exporting to image\",\"completed\":\"t\"}]}");
        assertEquals(2, calls[0]);
    }
}
