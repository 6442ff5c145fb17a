package dev.nssimg.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.UpstreamRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void miseFileAndTomlTasksAreReadAndWinOverAStaleMakefile() {
        TaskRunner r = TaskRunner.read(UpstreamRepo.FIXTURE_TODAY, null);
        assertEquals(TaskRunner.Kind.MISE, r.kind());
        assertEquals(List.of(".mise/tasks", ".mise/tasks/containers.toml"), r.read());
        assertTrue(r.notes().get(0).startsWith("the Makefile was not read"), r.notes().toString());
        assertEquals(List.of(
                new TaskRunner.ArgFromEnv("CONTAINER_EXTRA", "${CONTAINER_GPU_EXTRA:-cu129}", ".mise/tasks/container/build/gpu:10"),
                new TaskRunner.ArgFromEnv("CONTAINER_VARIANT", "${CONTAINER_GPU_VARIANT:-${CONTAINER_GPU_EXTRA:-cu129}}",
                        ".mise/tasks/container/build/gpu:11"),
                new TaskRunner.ArgFromEnv("PACKAGE_VERSION", "${CONTAINER_GPU_PACKAGE_VERSION:-}", ".mise/tasks/container/build/gpu:12")),
                r.gpuBuildArgs());
        assertEquals(List.of("mise", "run", "test"), r.runDefault(TaskRunner.RUN_GPU_DEV).orElseThrow().command());
        assertEquals(List.of("mise", "run", "test:ci"), r.runDefault(TaskRunner.TEST_CI).orElseThrow().command());
        assertEquals(Optional.empty(), r.runDefault(TaskRunner.RUN_GPU), "its default (--help) is not a mise run");
        assertTrue(r.task("container-build-test").isPresent(), "the TOML task, by its alias");
        TaskRunner make = TaskRunner.read(UpstreamRepo.FIXTURE_TODAY, "make");
        assertEquals(TaskRunner.Kind.MAKE, make.kind());
        assertEquals(List.of("make", "test"), make.runDefault(TaskRunner.RUN_GPU_DEV).orElseThrow().command());
    }

    @Test
    void expressionsExpandAsTheShellDoesNestedDefaultsIncluded() {
        String variant = "${CONTAINER_GPU_VARIANT:-${CONTAINER_GPU_EXTRA:-cu129}}";
        assertEquals(new TaskRunner.Expanded("cu129", List.of()), TaskRunner.expand(variant, Map.of()).orElseThrow());
        assertEquals(new TaskRunner.Expanded("cu130", List.of("CONTAINER_GPU_EXTRA")),
                TaskRunner.expand(variant, Map.of("CONTAINER_GPU_EXTRA", "cu130")).orElseThrow());
        assertEquals(new TaskRunner.Expanded("v2", List.of("CONTAINER_GPU_VARIANT")),
                TaskRunner.expand(variant, Map.of("CONTAINER_GPU_EXTRA", "cu130", "CONTAINER_GPU_VARIANT", "v2")).orElseThrow());
        assertEquals(new TaskRunner.Expanded("cu129", List.of()),
                TaskRunner.expand(variant, Map.of("CONTAINER_GPU_VARIANT", "")).orElseThrow(), ":- treats empty as unset");
        assertEquals(Optional.empty(), TaskRunner.expand("$(git describe)", Map.of()), "a command substitution is not read");
    }

    @Test
    void aTreeWithoutTasksHasNoRunner() throws Exception {
        Files.writeString(tmp.resolve("README.md"), "x");
        assertEquals(TaskRunner.Kind.NONE, TaskRunner.read(tmp, null).kind());
    }
}
