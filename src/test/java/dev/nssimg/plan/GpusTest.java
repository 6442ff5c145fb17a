package dev.nssimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.model.GpuFacts;
import dev.nssimg.model.GpuRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** --gpus and CONTAINER_GPU_FLAG onto the NVIDIA runtime or CDI, by what the engine has. */
class GpusTest {
    static final GpuFacts RUNTIME = new GpuFacts("unix:///s", List.of("runc", "nvidia"), List.of(), true);
    static final GpuFacts CDI = new GpuFacts("unix:///s", List.of("runc"), List.of("/etc/cdi", "/var/run/cdi"), true);
    static final GpuFacts NEITHER = new GpuFacts("unix:///s", List.of("runc"), List.of(), true);
    static final GpuFacts REMOTE_CDI = new GpuFacts("ssh://gpu-host", List.of("runc"), List.of("/etc/cdi"), false);
    static final Set<String> OFFERED = Set.of("nvidia.com/gpu=0", "nvidia.com/gpu=1", "nvidia.com/gpu=GPU-4f1e", "nvidia.com/gpu=all");

    static Gpus.Ask ask(String v) {
        return Gpus.parse(v, "flag --gpus");
    }

    @Test
    void theRuntimeWinsWhenTheEngineHasIt() {
        GpuRequest r = Gpus.choose(ask("2"), RUNTIME, OFFERED);
        assertEquals(GpuRequest.Kind.RUNTIME, r.kind());
        assertEquals(2, r.count());
        assertEquals(List.of("0", "3"), Gpus.choose(ask("device=0,3"), RUNTIME, null).ids());
    }

    @Test
    void cdiNamesForAllCountsAndDevices() {
        assertEquals(List.of("nvidia.com/gpu=all"), Gpus.choose(ask("all"), CDI, OFFERED).ids());
        assertEquals(List.of("nvidia.com/gpu=0", "nvidia.com/gpu=1"), Gpus.choose(ask("2"), CDI, OFFERED).ids());
        assertEquals(List.of("nvidia.com/gpu=1", "nvidia.com/gpu=GPU-4f1e"), Gpus.choose(ask("device=1,GPU-4f1e"), CDI, OFFERED).ids());
        assertEquals(GpuRequest.Kind.CDI, Gpus.choose(ask("all"), CDI, OFFERED).kind());
    }

    @Test
    void aLocalEngineMustOfferTheDevice() {
        NssimgException e = assertThrows(NssimgException.class, () -> Gpus.choose(ask("3"), CDI, OFFERED));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("CDI device nvidia.com/gpu=2 (for 3) is not offered by the engine's specs in /etc/cdi, /var/run/cdi"),
                e.getMessage());
    }

    @Test
    void aRemoteEngineDecidesItself() {
        assertEquals(List.of("nvidia.com/gpu=7"), Gpus.choose(ask("device=7"), REMOTE_CDI, null).ids());
    }

    @Test
    void neitherRuntimeNorCdiIsExit3() {
        NssimgException e = assertThrows(NssimgException.class, () -> Gpus.choose(ask("all"), NEITHER, null));
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(e.getMessage().startsWith("the engine has no NVIDIA runtime for --gpus all and its cdi feature is off:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("or pass --gpus none"), e.getMessage());
        NssimgException noDevices = assertThrows(NssimgException.class, () -> Gpus.choose(ask("all"), CDI, Set.of()));
        assertTrue(noDevices.getMessage().contains("offer no nvidia.com/gpu devices"), noDevices.getMessage());
    }

    @Test
    void theEnvironmentsPodmanFormIsACdiRequestOnEveryEngine() {
        Gpus.Ask a = Gpus.fromEnv("--device nvidia.com/gpu=all");
        assertEquals(Gpus.Ask.Kind.CDI, a.kind());
        assertEquals(GpuRequest.Kind.CDI, Gpus.choose(a, RUNTIME, null).kind(), "also where the runtime exists");
        assertEquals(List.of("nvidia.com/gpu=0", "nvidia.com/gpu=1"),
                Gpus.choose(Gpus.fromEnv("--device=nvidia.com/gpu=0 --device nvidia.com/gpu=1"), NEITHER, null).ids());
        assertEquals(Gpus.Ask.Kind.ALL, Gpus.fromEnv(null).kind(), "unset: the spec's --gpus all");
        assertEquals(Gpus.Ask.Kind.COUNT, Gpus.fromEnv("--gpus=2").kind());
        assertEquals(Gpus.Ask.Kind.ALL, Gpus.fromEnv("--gpus \"all\"").kind());
        assertTrue(Gpus.fromEnv("  ").none());
        assertNull(Gpus.choose(Gpus.fromEnv(""), NEITHER, null));
    }

    @Test
    void badValuesNameTheirOrigin() {
        assertEquals("flag --gpus: 'lots' is not all, none, a count or device=ID[,ID]",
                assertThrows(NssimgException.class, () -> ask("lots")).getMessage());
        assertThrows(NssimgException.class, () -> ask("0"));
        assertThrows(NssimgException.class, () -> ask("device="));
        assertTrue(assertThrows(NssimgException.class, () -> Gpus.fromEnv("--device /dev/kfd")).getMessage()
                .startsWith("env CONTAINER_GPU_FLAG: '--device /dev/kfd' is not of the form"));
        assertThrows(NssimgException.class, () -> Gpus.fromEnv("--privileged"));
    }
}
