package dev.nssimg.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LintTest {
    static List<Finding> lint(String text, Engine engine) {
        return Lint.check(DockerfileInfo.parse(text, "Dockerfile"), new Lint.Scope(null, Set.of("runtime", "dev"), engine));
    }

    static List<String> rules(List<Finding> fs) {
        return fs.stream().map(f -> f.line() + " " + f.rule() + " " + f.severity().word()).toList();
    }

    @Test
    void aVariableInCopyFromIsAnErrorForBuildkitAndAWarningWhenPodmanBuilds() {
        String df = "ARG UV_VERSION=0.9.14\nFROM base AS deps\nARG UV_VERSION\nCOPY --from=ghcr.io/astral-sh/uv:${UV_VERSION} /uv /bin/\n"
                + "RUN --mount=type=bind,from=img:$UV_VERSION,target=/x true\n";
        assertEquals(List.of("4 from-variable error", "5 from-variable error"), rules(lint(df, Engine.BUILDKIT)));
        assertEquals(List.of("4 from-variable warning", "5 from-variable warning"), rules(lint(df, Engine.BUILDAH)));
        Finding f = lint(df, Engine.BUILDKIT).get(0);
        assertTrue(f.text().startsWith("Dockerfile:4: from-variable: error: COPY --from=ghcr.io/astral-sh/uv:${UV_VERSION}: "), f.text());
        assertTrue(f.message().contains("a note for buildah"), f.message());
        assertFalse(Lint.hasErrors(lint("FROM base AS uv\nFROM x\nCOPY --from=uv /uv /bin/\n", Engine.BUILDKIT)));
    }

    @Test
    void argsMustBeDeclaredInTheStageOrItsParent() {
        String df = "ARG CUDA_VERSION=12.8.1\nFROM scratch AS runtime\nRUN echo $CUDA_VERSION\nARG CUDA_VERSION\nRUN echo ${CUDA_VERSION:-x}\n"
                + "FROM runtime AS dev\nRUN echo $CUDA_VERSION $HOME\nFROM a AS other\nENV CUDA_VERSION=1\nRUN echo $CUDA_VERSION\n"
                + "FROM runtime\nRUN echo \\$CUDA_VERSION ${CUDA_VERSION}\nCOPY --from=other /x /y\n";
        assertEquals(List.of("3 undeclared-arg warning"), rules(lint(df, Engine.BUILDKIT)), "line 12 inherits it from runtime");
        // Over an outside base the name may be the base's ENV (python sets PYTHON_VERSION): a note, worded so.
        List<Finding> overBase = lint("ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim\nRUN echo $PYTHON_VERSION\n",
                Engine.BUILDKIT);
        assertEquals(List.of("3 undeclared-arg note"), rules(overBase));
        assertTrue(overBase.get(0).message().contains("base image's ENV"), overBase.get(0).message());
        // A RUN that sets the name itself.
        assertEquals(List.of(), rules(lint("FROM scratch\nRUN TARGETARCH=$(uname -m) && echo $TARGETARCH; for TARGETOS in a; do"
                + " echo $TARGETOS; done\n", Engine.BUILDKIT)));
        // Platform ARGs too: automatic in FROM lines, in a stage only when declared.
        assertEquals(List.of("3 undeclared-arg warning"), rules(lint("FROM --platform=$BUILDPLATFORM a:${TARGETARCH}\nARG BUILDARCH\n"
                + "RUN echo $TARGETARCH $BUILDARCH\n", Engine.BUILDKIT)));
    }

    @Test
    void aGlobalTargetarchWithoutDefaultBeforeAFromThatUsesIt() {
        assertEquals(List.of("1 global-platform-arg error"), rules(lint("ARG TARGETARCH\nFROM base:${TARGETARCH}\n", Engine.BUILDKIT)));
        // A default is no better: it freezes every platform to amd64 (seen on the BuildKit here with --platform linux/arm64).
        assertEquals(List.of("1 global-platform-arg error"), rules(lint("ARG TARGETARCH=amd64\nFROM base:${TARGETARCH}\n",
                Engine.BUILDKIT)));
        assertTrue(lint("ARG TARGETARCH=amd64\nFROM base:${TARGETARCH}\n", Engine.BUILDKIT).get(0).message()
                .contains("drop this ARG"));
        assertEquals(List.of("2 platform-arg-default warning"), rules(lint("FROM base\nARG TARGETARCH=amd64\nRUN echo $TARGETARCH\n",
                Engine.BUILDKIT)));
        assertEquals(List.of(), rules(lint("ARG TARGETARCH\nFROM base\n", Engine.BUILDKIT)), "unused: harmless");
        // buildah builds it, but the file breaks with docker buildx: a warning when podman builds.
        assertEquals(List.of("1 global-platform-arg warning"), rules(lint("ARG TARGETARCH\nFROM base:$TARGETARCH\n", Engine.BUILDAH)));
    }

    @Test
    void secretLookingNames() {
        assertEquals(List.of("2 secret-name warning", "3 secret-name warning", "4 secret-name warning"),
                rules(lint("FROM a\nARG HF_TOKEN\nENV NSS_INFERENCE_KEY=x OTHER=1\nENV DB_PASSWORD secret words\n"
                        + "ARG TOKENIZERS_PARALLELISM=false\nENV MISE_GPG_KEY=abc\n", Engine.BUILDKIT)));
    }

    @Test
    void unusedStagesAndUnknownTargets() {
        String df = "FROM a AS tools\nFROM a AS orphan\nFROM a AS deps\nCOPY --from=tools /x /x\nFROM deps AS runtime\nFROM runtime AS dev\n";
        assertEquals(List.of("2 unused-stage warning"), rules(lint(df, Engine.BUILDKIT)));
        List<Finding> t = Lint.check(DockerfileInfo.parse(df, "Dockerfile"), new Lint.Scope("Orphan", Set.of(), Engine.BUILDKIT));
        assertEquals(List.of(), rules(t), "a target is used");
        List<Finding> unknown = Lint.check(DockerfileInfo.parse(df, "Dockerfile"), new Lint.Scope("nope", Set.of(), Engine.BUILDKIT));
        assertTrue(rules(unknown).contains("0 unknown-target error"), rules(unknown).toString());
        assertTrue(unknown.get(0).text().startsWith("flag --target: unknown-target: error: 'nope' names no stage of Dockerfile"),
                unknown.get(0).text());
        // FROM ${VAR}: the default settles which stage is used; one it cannot settle may name any.
        assertEquals(List.of("3 unused-stage warning"), rules(lint("ARG FLAVOR=slim\nFROM a AS base-slim\nFROM a AS base-full\n"
                + "FROM base-${FLAVOR} AS runtime\nFROM runtime AS dev\n", Engine.BUILDKIT)));
        assertEquals(List.of(), rules(lint("ARG FLAVOR\nFROM a AS base-slim\nFROM a AS base-full\nFROM base-${FLAVOR} AS runtime\n",
                Engine.BUILDKIT)));
    }

    @Test
    void heredocBodiesAndBlankContinuationLinesBelongToTheirInstruction() {
        String df = "ARG PYTHON_VERSION=3.11\nFROM scratch AS runtime\nARG PYTHON_VERSION\nRUN <<EOF\necho $PYTHON_VERSION\n"
                + "ECHO ${TOKEN_X}\nEOF\nRUN echo a \\\n\n    b\nCOPY --from=ghcr.io/x:${PYTHON_VERSION} /a /b\n";
        assertEquals(List.of("11 from-variable error"), rules(lint(df, Engine.BUILDKIT)), "line numbers survive both");
        DockerfileInfo info = DockerfileInfo.parse(df, "Dockerfile");
        assertEquals(List.of("FROM", "ARG", "RUN", "RUN", "COPY"),
                info.stages().get(0).instructions().stream().map(dev.nssimg.dockerfile.Instruction::keyword).toList());
    }

    /** nssimg's own Dockerfiles and the users'-repository fixture lint clean: the rules do not cry wolf. */
    @Test
    void theShippedDockerfilesHaveNoFindings() throws Exception {
        for (String file : List.of("containers/Dockerfile.cuda", "containers/Dockerfile.test_ci",
                "src/test/resources/upstream-shaped/containers/Dockerfile.cuda",
                "src/test/resources/upstream-shaped/containers/Dockerfile.test_ci")) {
            String text = Files.readString(TestCli.ROOT.resolve(file));
            assertEquals(List.of(), rules(lint(text, Engine.BUILDKIT)), file);
        }
    }

    @Test
    void buildkitsOwnChecksAreDetectedByTheirFlagAndParsed() throws Exception {
        assertTrue(BuildkitChecks.available("Options:\n      --builder string   Override\n      --call string      Set method"));
        assertFalse(BuildkitChecks.available("Options:\n      --builder string   Override\n      --check   ...? no\n"));
        assertEquals(List.of("docker", "buildx", "--builder", "b", "build", "--call", "check,format=json", "--file",
                "containers/Dockerfile.cuda", "--platform", "linux/arm64", "--build-context", "containers=containers", "--target", "dev",
                "--build-arg", "A=1", "."), BuildkitChecks.argv("b", "containers/Dockerfile.cuda", ".", "dev", "linux/arm64",
                Map.of("containers", "containers"), Map.of("A", "1")));
        // The lint subrequest's result.json, shaped as BuildKit's frontend/subrequests/lint defines it.
        String json = "{\"warnings\":[{\"ruleName\":\"JSONArgsRecommended\",\"description\":\"JSON arguments recommended\","
                + "\"url\":\"https://docs.docker.com/go/dockerfile/rule/json-args-recommended/\",\"detail\":\"JSON arguments"
                + " recommended for CMD\",\"location\":{\"sourceIndex\":0,\"ranges\":[{\"start\":{\"line\":7},\"end\":{\"line\":7}}]}}],"
                + "\"sources\":[{\"fileName\":\"Dockerfile\"}]}";
        List<Finding> fs = BuildkitChecks.parse(json, "containers/Dockerfile.cuda", Engine.BUILDKIT);
        assertEquals(1, fs.size());
        assertEquals("containers/Dockerfile.cuda:7: buildkit:JSONArgsRecommended: warning: JSON arguments recommended for CMD"
                + " (https://docs.docker.com/go/dockerfile/rule/json-args-recommended/)", fs.get(0).text());
        assertTrue(BuildkitChecks.parse("{\"warnings\":[],\"buildError\":{\"message\":\"boom\"}}", "f", Engine.BUILDKIT).get(0)
                .severity() == Severity.ERROR);
    }
}
