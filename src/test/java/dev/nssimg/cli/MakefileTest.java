package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.TestCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `make -n TARGET` shows one bin/nssimg call, and that call plans what the target means. */
class MakefileTest {
    static List<String> makeN(String target, String... vars) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("make", "-s", "-n", target));
        cmd.addAll(List.of(vars));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(TestCli.ROOT.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTAINER_"));
        Process p = pb.start();
        List<String> lines = new BufferedReader(new InputStreamReader(p.getInputStream())).lines().toList();
        assertEquals(0, p.waitFor());
        return lines;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "container-build-gpu|bin/nssimg build --target runtime",
        "container-build-gpu-dev|bin/nssimg build --target dev",
        "container-build-gpu-multiarch|bin/nssimg build --target runtime --multiarch --registry ''",
        "container-build-test|bin/nssimg build --file 'containers/Dockerfile.test_ci' --platform linux/amd64 --tag 'nss-test:latest'",
    })
    void eachTargetIsOneNssimgCall(String target, String expected) throws Exception {
        List<String> lines = makeN(target);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).replaceAll("\\s+", " ").startsWith(expected), lines.get(0));
    }

    /** Upstream's run targets depend on their build targets; so do these, while nssimg run itself never builds. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "container-run-gpu|bin/nssimg build --target runtime|CONTAINER_GPU_FLAG='--gpus all' CONTAINER_EXTRA_MOUNTS='' bin/nssimg run --hf-cache",
        "container-run-gpu-dev|bin/nssimg build --target dev|CONTAINER_GPU_FLAG='--gpus all' CONTAINER_EXTRA_MOUNTS='' bin/nssimg run --dev --hf-cache",
        "test-ci-container|bin/nssimg build --file 'containers/Dockerfile.test_ci'|bin/nssimg run --test --image 'nss-test:latest' --platform linux/amd64 --",
    })
    void runTargetsBuildFirst(String target, String build, String run) throws Exception {
        List<String> lines = makeN(target).stream().map(l -> l.replaceAll("\\s+", " ").strip()).toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith(build), lines.get(0));
        assertTrue(lines.get(1).startsWith(run), lines.get(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "container-build-gpu|CONTAINER_GPU_PLATFORM=linux/arm64|--target runtime --platform linux/arm64 --build-arg 'CUDA_ARCH_FLAGS=90;90a;120;120a' --label",
        "container-build-gpu-dev|CONTAINER_GPU_IMAGE_DEV=dev:7|--file containers/Dockerfile.cuda --platform linux/amd64 ",
        "container-build-gpu-multiarch|CONTAINER_GPU_REGISTRY=ghcr.io/nvidia-nemo|docker buildx imagetools create --progress plain --tag ghcr.io/nvidia-nemo/nss-gpu:latest ",
    })
    void theCallPlansWhatTheTargetMeans(String target, String var, String expectedInPlan) throws Exception {
        String line = makeN(target, var).get(0);
        List<String> words = shellWords(line.substring(line.indexOf("bin/nssimg ") + "bin/nssimg ".length()));
        List<String> args = new java.util.ArrayList<>(words);
        args.add("--dry-run");
        TestCli.Result r = new TestCli().run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(expectedInPlan), r.out());
        if (var.startsWith("CONTAINER_GPU_IMAGE_DEV")) {
            assertTrue(r.out().contains("--tag dev:7"), r.out());
        }
    }

    static List<String> shellWords(String s) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "set -- " + s + "; printf '%s\\n' \"$@\"").start();
        List<String> out = new BufferedReader(new InputStreamReader(p.getInputStream())).lines().toList();
        assertEquals(0, p.waitFor());
        return out;
    }

    @org.junit.jupiter.api.Test
    void makeHelpListsTheSpecTargets() throws Exception {
        List<String> help = makeN("help");
        assertTrue(help.size() >= 1);
        Process p = new ProcessBuilder("make", "-s", "help").directory(TestCli.ROOT.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String t : List.of("container-build-gpu", "container-build-gpu-dev",
                "container-build-gpu-multiarch", "container-run-gpu", "container-run-gpu-dev", "container-build-test", "test-ci-container", "test", "build")) {
            assertTrue(out.contains(t), t);
        }
    }
}
