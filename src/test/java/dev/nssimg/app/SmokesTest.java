package dev.nssimg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import dev.nssimg.smoke.Check;
import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What smoke expects of an image, read from a real Dockerfile: inherited declarations, each label in its own scope. */
class SmokesTest {
    static final RunResult HELP = new RunResult(0, false, "usage: safe-synthesizer\n", "", "c");

    @Test
    void theUpstreamShapedDevStageInheritsLabelsExpandedWhereTheyWereDeclared() throws Exception {
        DockerfileInfo df = DockerfileInfo.parse(Files.readString(UpstreamRepo.FIXTURE.resolve("containers/Dockerfile.cuda")),
                "containers/Dockerfile.cuda");
        SmokeChecks.Declared dev = Smokes.declared(df, df.stage("dev").orElseThrow());
        assertEquals(List.of(), dev.entrypoint(), "ENTRYPOINT [] is declared, not absent");
        assertEquals("root", dev.user());
        String key = "org.opencontainers.image.base.name";
        assertTrue(dev.labelScopes().get(key).contains("CUDA_VERSION"), "expanded in runtime's scope: " + dev.labelScopes());
        Map<String, String> labels = Map.of(key, "nvidia/cuda:12.9.1-runtime-ubuntu24.04");
        ImageFacts image = new ImageFacts("dev", "id", "linux/amd64", 1, labels, "root", List.of(), List.of("/bin/bash"),
                List.of("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility"), List.of());
        Map<String, String> args = Map.of("CUDA_VERSION", "12.9.1", "UBUNTU_VERSION", "24.04");
        List<Check> checks = SmokeChecks.evaluate("linux/amd64", image, HELP, 0, new SmokeChecks.Expect("dev", dev, args), 5, true);
        Check values = checks.stream().filter(c -> c.name().equals("label-values")).findFirst().orElseThrow();
        assertTrue(values.ok() && values.detail().startsWith("1 values"), values.detail());
        List<Check> older = SmokeChecks.evaluate("linux/amd64", image, HELP, 0,
                new SmokeChecks.Expect("dev", dev, Map.of("CUDA_VERSION", "12.6.3", "UBUNTU_VERSION", "24.04")), 5, true);
        assertFalse(older.stream().filter(c -> c.name().equals("label-values")).findFirst().orElseThrow().ok());
    }

    @Test
    void undeclaredEntrypointsAndLiteralDollarsAreNotCompared() {
        DockerfileInfo df = DockerfileInfo.parse("FROM nvidia/cuda:12 AS runtime\nARG V=1\n"
                + "LABEL a=\"$V\" b=\"run \\$PWD\" c='$V'\nUSER 1000\n", "Dockerfile");
        SmokeChecks.Declared d = Smokes.declared(df, df.stage("runtime").orElseThrow());
        assertNull(d.entrypoint(), "no ENTRYPOINT: the base's applies");
        assertNull(d.labelScopes().get("b"), "an escaped $ stays literal in the label");
        ImageFacts image = new ImageFacts("r", "id", "linux/amd64", 1, Map.of("a", "1", "b", "run $PWD", "c", "$V"), "1000",
                List.of("/opt/nvidia/nvidia_entrypoint.sh"), List.of(), List.of("NVIDIA_VISIBLE_DEVICES=all",
                "NVIDIA_DRIVER_CAPABILITIES=compute,utility"), List.of());
        List<Check> checks = SmokeChecks.evaluate("linux/amd64", image, HELP, 1000,
                new SmokeChecks.Expect("runtime", d, Map.of("V", "1")), 5, false);
        assertTrue(checks.stream().allMatch(Check::ok), checks.toString());
    }
}
