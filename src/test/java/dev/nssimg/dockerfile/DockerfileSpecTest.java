package dev.nssimg.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.smoke.SmokeChecks;
import dev.nssimg.testing.TestCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** containers/Dockerfile.cuda against the spec, point by point, and its layer design. */
class DockerfileSpecTest {
    static final Path CUDA = TestCli.ROOT.resolve("containers/Dockerfile.cuda");
    static final DockerfileInfo DF = DockerfileInfo.read(CUDA, "Dockerfile.cuda");

    static String text() throws IOException {
        return Files.readString(CUDA);
    }

    @Test
    void onlyTheUsageLabelKeepsALiteralDollarSoTheOthersValuesAreCompared() {
        Map<String, DockerfileInfo.LabelDecl> decls = DF.stage("runtime").orElseThrow().labelDecls();
        assertTrue(decls.get("org.opencontainers.image.usage").literalDollar(), "\\$PWD stays literal");
        assertEquals(List.of("org.opencontainers.image.usage"), decls.entrySet().stream().filter(e -> e.getValue().literalDollar())
                .map(Map.Entry::getKey).toList(), "the LABEL's other values are the build arguments' to give");
        DockerfileInfo quoted = DockerfileInfo.parse("FROM x AS s\nLABEL a='$HOME' b=\"$HOME\" c=\\$HOME d=${HOME}\n", "Dockerfile");
        Map<String, DockerfileInfo.LabelDecl> q = quoted.stage("s").orElseThrow().labelDecls();
        assertEquals(List.of(true, false, true, false), List.of(q.get("a").literalDollar(), q.get("b").literalDollar(),
                q.get("c").literalDollar(), q.get("d").literalDollar()));
    }

    @Test
    void stagesAreDepsRuntimeDevAfterTheUvSourceWithTheTwoHandOnStages() {
        assertEquals(List.of("uv", "deps", "project", "dev-deps", "runtime", "dev"), DF.stageNames());
        assertEquals("runtime", DF.stage("dev").orElseThrow().base(), "dev extends runtime");
        assertEquals("deps", DF.stage("project").orElseThrow().base(), "pass 2 on top of pass 1");
        assertEquals("deps", DF.stage("dev-deps").orElseThrow().base(), "the dev group on top of pass 1");
    }

    @Test
    void buildArgumentsAndDefaultsFollowTheSpecTable() {
        assertEquals(Map.of("CUDA_VERSION", "12.8.1", "UBUNTU_VERSION", "22.04", "CUDA_IMAGE_TYPE", "runtime",
                "PYTHON_VERSION", "3.11.13", "UV_VERSION", "0.9.14", "CUDA_ARCH_FLAGS", "80;86;90;90a"), DF.globalArgs());
        assertTrue(DF.stage("deps").orElseThrow().args().containsKey("TARGETARCH"), "TARGETARCH declared in the stage, not globally");
        assertTrue(!DF.globalArgs().containsKey("TARGETARCH"), "a global TARGETARCH would blank BuildKit's value");
    }

    @Test
    void basesFollowTheArguments() {
        assertEquals("ghcr.io/astral-sh/uv:${UV_VERSION}", DF.stage("uv").orElseThrow().base());
        assertEquals("nvidia/cuda:${CUDA_VERSION}-${CUDA_IMAGE_TYPE}-ubuntu${UBUNTU_VERSION}", DF.stage("deps").orElseThrow().base());
        assertEquals("nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu${UBUNTU_VERSION}", DF.stage("runtime").orElseThrow().base(),
                "runtime is always the -runtime- base");
    }

    @Test
    void depsSetsTheUvEnvironmentOfTheSpec() {
        Map<String, String> env = DF.stage("deps").orElseThrow().env();
        assertEquals("/opt/venv", env.get("UV_PROJECT_ENVIRONMENT"));
        assertEquals("/opt/python", env.get("UV_PYTHON_INSTALL_DIR"));
        assertEquals("/root/.cache/uv/python", env.get("UV_PYTHON_CACHE_DIR"));
        assertEquals("copy", env.get("UV_LINK_MODE"));
        assertEquals("1", env.get("UV_COMPILE_BYTECODE"));
        assertEquals("1", env.get("UV_NO_INSTALLER_METADATA"));
        assertEquals("true", env.get("UV_FROZEN"));
    }

    @Test
    void depsRunsTheTwoPassUvSyncWithCacheMounts() throws IOException {
        String t = text();
        int pass1 = t.indexOf("--no-install-project");
        int pass2 = t.indexOf("--no-editable");
        assertTrue(pass1 > 0 && pass2 > pass1, "uv sync --no-install-project, then --no-editable");
        assertTrue(t.contains("--extra cu128 --extra engine"), "cu128 + engine extras");
        assertTrue(t.contains("--no-group dev"), "runtime excludes the dev group");
        assertTrue(t.contains("uv python install \"${PYTHON_VERSION}\""));
        assertTrue(t.contains("--mount=type=cache,target=/root/.cache/uv"));
        assertTrue(Pattern.compile("--mount=type=cache,target=/var/cache/apt,sharing=locked").matcher(t).results().count() >= 3);
        assertTrue(!t.contains("rm -rf /var/lib/apt/lists"), "cache mounts instead of the rm -rf pattern");
        assertTrue(!Pattern.compile("(?m)^#\\s*syntax=").matcher(t).find(), "no frontend image to pull");
    }

    @Test
    void runtimeCopiesTheToolchainAndDeclaresGpuNeeds() throws IOException {
        String t = text();
        assertTrue(t.contains("COPY --from=deps /opt/python /opt/python"));
        assertTrue(t.contains("COPY --from=deps /opt/venv /opt/venv"));
        assertTrue(t.contains("COPY containers/entrypoint.sh /usr/local/bin/entrypoint.sh"));
        DockerfileInfo.Stage rt = DF.stage("runtime").orElseThrow();
        assertEquals("all", rt.env().get("NVIDIA_VISIBLE_DEVICES"));
        assertEquals("compute,utility", rt.env().get("NVIDIA_DRIVER_CAPABILITIES"));
        assertEquals("1000:1000", rt.user(), "non-root appuser, uid 1000");
        assertTrue(t.contains("useradd --uid 1000") && t.contains("appuser"));
        assertEquals(List.of("/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"), rt.entrypoint());
        assertEquals(List.of("--help"), rt.cmd());
    }

    @Test
    void runtimeCarriesTheOciLabels() {
        Map<String, String> labels = DF.stage("runtime").orElseThrow().labels();
        for (String key : SmokeChecks.OCI_LABELS) {
            assertTrue(labels.containsKey(key) && !labels.get(key).isBlank(), key);
        }
        assertEquals("nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu${UBUNTU_VERSION}", labels.get("org.opencontainers.image.base.name"));
        assertTrue(labels.get("org.opencontainers.image.usage").startsWith("docker run "), "usage is a full docker run command");
        assertEquals("${CUDA_ARCH_FLAGS}", labels.get("com.nvidia.nss.build.cuda-arch-flags"), "effective args recorded");
    }

    @Test
    void devExtendsRuntimeAsRootWithTools() throws IOException {
        DockerfileInfo.Stage dev = DF.stage("dev").orElseThrow();
        assertEquals("root", dev.user());
        String t = text().substring(text().indexOf("AS dev"));
        assertTrue(t.contains("git make"), "git and make");
        assertTrue(t.contains("COPY --from=uv /uv /uvx"), "uv");
        assertTrue(t.contains("--group dev"), "the dev dependency group");
    }

    @Test
    void devRunsAShellAsRootSoMakeTestRunsMake() {
        DockerfileInfo.Stage dev = DF.stage("dev").orElseThrow();
        assertEquals(List.of(), dev.entrypoint(), "ENTRYPOINT []: docker run IMAGE make test runs make");
        assertEquals(List.of("/bin/bash"), dev.cmd());
        assertEquals("root", dev.user());
    }

    @Test
    void onlyWhatTheProjectInstallNeedsReachesIt() throws IOException {
        String project = text().substring(text().indexOf("AS project"), text().indexOf("AS dev-deps"));
        assertTrue(project.contains("COPY pyproject.toml uv.lock README.md /app/") && project.contains("COPY src/ /app/src/"),
                "as upstream: README.md and src/, so tests, docs and the Makefile re-run nothing");
        assertTrue(!text().contains("COPY . "), "no COPY of the whole context anywhere");
        assertTrue(project.contains("sh /tmp/venv-files.sh mark /opt/venv") && project.contains("venv-files.sh copy /opt/venv /opt/venv-project"),
                "pass 2 hands on only the files it installed: the sync rewrites every package's .pyc");
    }

    @Test
    void theProjectsFilesAreTheRuntimesLastLayer() {
        List<DockerfileInfo.Step> steps = DF.steps(DF.stage("runtime").orElseThrow());
        List<String> layerMaking = steps.stream().map(DockerfileInfo.Step::keyword)
                .filter(k -> Set.of("RUN", "COPY", "ADD").contains(k)).toList();
        DockerfileInfo.Step last = steps.stream().filter(st -> Set.of("RUN", "COPY", "ADD").contains(st.keyword()))
                .reduce((x, y) -> y).orElseThrow();
        assertEquals("COPY --from=project /opt/venv-project/ /opt/venv/", last.text(), "nothing after it re-runs on a code change");
        assertTrue(layerMaking.size() > 3);
        assertTrue(steps.stream().anyMatch(st -> st.text().equals("COPY --from=deps /opt/venv /opt/venv")),
                "the third-party packages from pass 1");
    }

    @Test
    void stepsOfAStageIncludeThoseOfTheStagesItExtends() {
        DockerfileInfo d = DockerfileInfo.parse("""
                ARG X=1
                FROM base AS a
                ARG X
                RUN one \\
                    two
                ENV E=1
                FROM a AS b
                COPY f /f
                """, "t");
        assertEquals(List.of(new DockerfileInfo.Step("RUN", "RUN one two", 4), new DockerfileInfo.Step("ENV", "ENV E=1", 6),
                new DockerfileInfo.Step("COPY", "COPY f /f", 8)), d.steps(d.stage("b").orElseThrow()));
    }

    @Test
    void parserHandlesContinuationsQuotesAndExecForms() {
        DockerfileInfo d = DockerfileInfo.parse("""
                ARG A="x y" B
                FROM base AS one
                # comment
                LABEL k1="a \\"q\\"" \\
                      # inner comment
                      k2=b
                ENV E1=1 E2="two words"
                ENTRYPOINT ["a,b", "c"]
                FROM one AS two
                CMD run it
                """, "t");
        assertEquals("x y", d.globalArgs().get("A"));
        assertTrue(d.globalArgs().containsKey("B") && d.globalArgs().get("B") == null);
        assertEquals("a \"q\"", d.stage("one").orElseThrow().labels().get("k1"));
        assertEquals("b", d.stage("two").orElseThrow().labels().get("k2"), "labels inherited from the parent stage");
        assertEquals("two words", d.stage("one").orElseThrow().env().get("E2"));
        assertEquals(List.of("a,b", "c"), d.stage("two").orElseThrow().entrypoint());
        assertEquals(List.of("/bin/sh", "-c", "run it"), d.stage("two").orElseThrow().cmd());
    }

    @Test
    void execFormIsReadAsJsonAndAnythingElseAsShellForm() {
        assertEquals(List.of("a,b", "c \"q\"", "t\tx", "é"), Words.execForm("[ \"a,b\" , \"c \\\"q\\\"\", \"t\\tx\", \"\\u00e9\" ]"));
        assertEquals(List.of(), Words.execForm("[]"));
        assertEquals(List.of("/bin/sh", "-c", "[\"unterminated]"), Words.execForm("[\"unterminated]"));
        assertEquals(List.of("/bin/sh", "-c", "['single']"), Words.execForm("['single']"), "not JSON: shell form, as Docker does");
        assertEquals(List.of("/bin/sh", "-c", "[\"a\" \"b\"]"), Words.execForm("[\"a\" \"b\"]"));
    }
}
