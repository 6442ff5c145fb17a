package dev.nssimg.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.model.ImageFacts;
import dev.nssimg.model.RunResult;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SmokeChecksTest {
    static final List<String> TINI = List.of("/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh");
    /** No Dockerfile to read: the spec's expectations. */
    static final SmokeChecks.Expect SPEC = new SmokeChecks.Expect("runtime", null, Map.of());

    static Map<String, String> goodLabels() {
        Map<String, String> m = new HashMap<>();
        SmokeChecks.OCI_LABELS.forEach(k -> m.put(k, "x"));
        m.put("org.opencontainers.image.base.name", "nvidia/cuda:12.8.1-runtime-ubuntu22.04");
        return m;
    }

    /** What a runtime stage like nssimg's own declares. */
    static SmokeChecks.Expect declared(String target, List<String> entrypoint, String user, Map<String, String> args) {
        Map<String, String> labels = new LinkedHashMap<>();
        SmokeChecks.OCI_LABELS.forEach(k -> labels.put(k, "x"));
        labels.put("org.opencontainers.image.base.name", "nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu${UBUNTU_VERSION}");
        labels.put("com.example.arch", "${TARGETARCH}");
        Set<String> scope = Set.of("CUDA_VERSION", "UBUNTU_VERSION", "TARGETARCH");
        Map<String, Set<String>> scopes = new java.util.HashMap<>();
        labels.keySet().forEach(k -> scopes.put(k, scope));
        return new SmokeChecks.Expect(target, new SmokeChecks.Declared("containers/Dockerfile.cuda:70", entrypoint, user, labels,
                scopes), args);
    }

    static final Map<String, String> ARGS = Map.of("CUDA_VERSION", "12.8.1", "UBUNTU_VERSION", "22.04");
    static final SmokeChecks.Expect RUNTIME = declared("runtime", TINI, "1000:1000", ARGS);

    static ImageFacts facts(Map<String, String> labels, String user, List<String> entrypoint) {
        Map<String, String> l = new HashMap<>(labels);
        l.putIfAbsent("com.example.arch", "amd64");
        return new ImageFacts("img", "id", "linux/amd64", 1, l, user, entrypoint, List.of("--help"),
                List.of("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility"), List.of());
    }

    static ImageFacts facts(Map<String, String> labels, String user) {
        return facts(labels, user, TINI);
    }

    static Map<String, Boolean> run(ImageFacts f, RunResult r, Integer uid, SmokeChecks.Expect e) {
        return SmokeChecks.evaluate("linux/amd64", f, r, uid, e, 5, false).stream()
                .collect(Collectors.toMap(Check::name, Check::ok));
    }

    static final RunResult OK = new RunResult(0, false, "usage: safe-synthesizer\n", "", "c");

    @Test
    void aGoodImagePassesEveryCheck() {
        for (SmokeChecks.Expect e : List.of(SPEC, RUNTIME)) {
            Map<String, Boolean> r = run(facts(goodLabels(), "1000:1000"), OK, 1000, e);
            assertEquals(8, r.size());
            assertTrue(r.values().stream().allMatch(b -> b), r.toString());
        }
    }

    @Test
    void eachDefectFailsItsOwnCheck() {
        Map<String, String> missing = goodLabels();
        missing.put("org.opencontainers.image.vendor", "");
        for (SmokeChecks.Expect e : List.of(SPEC, RUNTIME)) {
            assertEquals(Map.of("labels", false), failed(run(facts(missing, "1000:1000"), OK, 1000, e)));
            assertEquals(Map.of("help-exit", false), failed(run(facts(goodLabels(), "1000:1000"),
                    new RunResult(1, false, "usage: x", "", "c"), 1000, e)));
            assertEquals(Map.of("help-exit", false, "help-usage", false), failed(run(facts(goodLabels(), "1000:1000"),
                    new RunResult(-1, true, "", "", "c"), 1000, e)));
            assertEquals(Map.of("entrypoint", false),
                    failed(run(facts(goodLabels(), "1000:1000", List.of("safe-synthesizer")), OK, 1000, e)));
        }
        assertEquals(Map.of("user", false), failed(run(facts(goodLabels(), ""), OK, 0, SPEC)));
        assertEquals(Map.of("user", false), failed(run(facts(goodLabels(), "1001"), OK, 1001, SPEC)), "the spec's uid is 1000");
        ImageFacts noEnv = new ImageFacts("img", "id", "p", 1, facts(goodLabels(), "1000:1000").labels(), "1000:1000", TINI,
                List.of(), List.of(), List.of());
        assertEquals(Map.of("nvidia-env", false), failed(run(noEnv, OK, 1000, RUNTIME)));
    }

    @Test
    void anyTextOnStderrFailsTheNoHintsCheckWhateverItsPrefix() {
        for (String err : List.of("nss-entrypoint: hint: x\n", "[entrypoint] WARNING: HF_HOME is not set\n")) {
            List<Check> checks = SmokeChecks.evaluate("linux/amd64", facts(goodLabels(), "1000:1000"),
                    new RunResult(0, false, "usage", err, "c"), 1000, RUNTIME, 5, false);
            Check c = checks.stream().filter(x -> x.name().equals("help-no-hints")).findFirst().orElseThrow();
            assertFalse(c.ok());
            assertTrue(c.detail().contains(err.strip()), c.detail());
        }
    }

    @Test
    void labelValuesFollowTheDockerfileAndTheArgumentsPerPlatform() {
        Map<String, Boolean> older = run(facts(goodLabels(), "1000:1000"), OK, 1000,
                declared("runtime", TINI, "1000:1000", Map.of("CUDA_VERSION", "12.6.3", "UBUNTU_VERSION", "22.04")));
        assertEquals(Map.of("label-values", false), failed(older));
        Map<String, String> arm = goodLabels();
        arm.put("com.example.arch", "arm64");
        List<Check> onArm = SmokeChecks.evaluate("linux/arm64", facts(arm, "1000:1000"), OK, 1000, RUNTIME, 5, false);
        assertTrue(onArm.stream().allMatch(Check::ok), onArm.toString());
        List<Check> armLabelOnAmd = SmokeChecks.evaluate("linux/amd64", facts(arm, "1000:1000"), OK, 1000, RUNTIME, 5, false);
        assertFalse(armLabelOnAmd.stream().filter(c -> c.name().equals("label-values")).findFirst().orElseThrow().ok());
    }

    @Test
    void theDockerfileDecidesUserAndEntrypoint() {
        // Upstream's runtime: a named user and tini found on PATH.
        SmokeChecks.Expect upstream = declared("runtime", List.of("tini", "--", "entrypoint.sh"), "appuser", ARGS);
        assertTrue(run(facts(goodLabels(), "appuser", List.of("tini", "--", "entrypoint.sh")), OK, 1000, upstream)
                .values().stream().allMatch(b -> b));
        assertEquals(Map.of("user", false), failed(run(facts(goodLabels(), "root", List.of("tini", "--", "entrypoint.sh")),
                OK, 0, upstream)));
        // Judged per stage as declared: a stage that declares root (a CI image's last stage) runs as root by declaration.
        SmokeChecks.Expect rootStage = declared("runtime", TINI, "root", ARGS);
        assertTrue(run(facts(goodLabels(), "root"), OK, 0, rootStage).get("user"));
        // By resolved ids: USER appuser and an image running as 1000:1000 are one user when its passwd says so.
        SmokeChecks.Expect appuser = declared("runtime", TINI, "appuser", ARGS);
        String passwd = "appuser:x:1000:1000::/home/appuser:/bin/sh\n";
        List<Check> byIds = SmokeChecks.evaluate("linux/amd64", facts(goodLabels(), "1000:1000"), OK, 1000,
                Users.resolve("1000:1000", passwd, ""), u -> Users.resolve(u, passwd, ""), appuser, 5, false);
        assertTrue(byIds.stream().allMatch(Check::ok), byIds.toString());
        // A dev stage with ENTRYPOINT [] and USER root, as upstream's.
        SmokeChecks.Expect dev = declared("dev", List.of(), "root", ARGS);
        List<Check> devChecks = SmokeChecks.evaluate("linux/amd64", facts(goodLabels(), "root", List.of()), OK, 0, dev, 5, true);
        assertTrue(devChecks.stream().allMatch(Check::ok), devChecks.toString());
        assertTrue(devChecks.get(0).detail().contains("through sh"), devChecks.get(0).detail());
        assertEquals(Map.of("entrypoint", false), failed(run(facts(goodLabels(), "root", TINI), OK, 0, dev)));
    }

    @Test
    void expandResolvesOnlyWhatItKnows() {
        Map<String, String> subs = Map.of("A", "1", "B", "");
        assertEquals("x1-y", SmokeChecks.expand("x${A}-y${B}", subs));
        assertEquals("1", SmokeChecks.expand("$A", subs));
        assertNull(SmokeChecks.expand("${C}", subs));
        assertNull(SmokeChecks.expand("${A:-2} ${A}", subs));
        assertEquals("plain", SmokeChecks.expand("plain", subs));
    }

    @Test
    void devMayRunAsRoot() {
        assertTrue(run(facts(goodLabels(), "root"), OK, 0, new SmokeChecks.Expect("dev", null, Map.of())).get("user"));
    }

    @Test
    void uidOfUserStrings() {
        assertEquals(0, SmokeChecks.uidOf(""));
        assertEquals(0, SmokeChecks.uidOf("root"));
        assertEquals(1000, SmokeChecks.uidOf("1000:1000"));
        assertEquals(null, SmokeChecks.uidOf("appuser"));
    }

    private static Map<String, Boolean> failed(Map<String, Boolean> r) {
        return r.entrySet().stream().filter(e -> !e.getValue()).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void failedHelperSanity() {
        assertFalse(failed(Map.of("a", false)).isEmpty());
    }
}
