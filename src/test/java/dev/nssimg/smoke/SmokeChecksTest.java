package dev.nssimg.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.engine.ImageFacts;
import dev.nssimg.engine.RunResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SmokeChecksTest {
    static final SmokeChecks.Expect RUNTIME = new SmokeChecks.Expect("runtime", "12.8.1", "22.04");

    static Map<String, String> goodLabels() {
        Map<String, String> m = new HashMap<>();
        SmokeChecks.OCI_LABELS.forEach(k -> m.put(k, "x"));
        m.put("org.opencontainers.image.base.name", "nvidia/cuda:12.8.1-runtime-ubuntu22.04");
        return m;
    }

    static ImageFacts facts(Map<String, String> labels, String user) {
        return new ImageFacts("img", "id", "linux/amd64", 1, labels, user,
                List.of("/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"), List.of("--help"),
                List.of("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility"), List.of());
    }

    static Map<String, Boolean> run(ImageFacts f, RunResult r, Integer uid, SmokeChecks.Expect e) {
        return SmokeChecks.evaluate("linux/amd64", f, r, uid, e, 5).stream().collect(Collectors.toMap(Check::name, Check::ok));
    }

    static final RunResult OK = new RunResult(0, false, "usage: safe-synthesizer\n", "", "c");

    @Test
    void aGoodImagePassesEveryCheck() {
        Map<String, Boolean> r = run(facts(goodLabels(), "1000:1000"), OK, 1000, RUNTIME);
        assertEquals(8, r.size());
        assertTrue(r.values().stream().allMatch(b -> b), r.toString());
    }

    @Test
    void eachDefectFailsItsOwnCheck() {
        Map<String, String> missing = goodLabels();
        missing.put("org.opencontainers.image.vendor", "");
        assertEquals(Map.of("oci-labels", false), failed(run(facts(missing, "1000"), OK, 1000, RUNTIME)));
        assertEquals(Map.of("user", false), failed(run(facts(goodLabels(), ""), OK, 0, RUNTIME)));
        assertEquals(Map.of("help-exit", false), failed(run(facts(goodLabels(), "1000"),
                new RunResult(1, false, "usage: x", "", "c"), 1000, RUNTIME)));
        assertEquals(Map.of("help-exit", false, "help-usage", false), failed(run(facts(goodLabels(), "1000"),
                new RunResult(-1, true, "", "", "c"), 1000, RUNTIME)));
        assertEquals(Map.of("help-no-hints", false), failed(run(facts(goodLabels(), "1000"),
                new RunResult(0, false, "usage", "nss-entrypoint: hint: x\n", "c"), 1000, RUNTIME)));
        assertEquals(Map.of("base-name", false), failed(run(facts(goodLabels(), "1000"), OK, 1000,
                new SmokeChecks.Expect("runtime", "12.6.3", "22.04"))));
        ImageFacts noTini = new ImageFacts("img", "id", "p", 1, goodLabels(), "1000", List.of("safe-synthesizer"), List.of(),
                List.of("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility"), List.of());
        assertEquals(Map.of("entrypoint", false), failed(run(noTini, OK, 1000, RUNTIME)));
        ImageFacts noEnv = new ImageFacts("img", "id", "p", 1, goodLabels(), "1000",
                List.of("/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"), List.of(), List.of(), List.of());
        assertEquals(Map.of("nvidia-env", false), failed(run(noEnv, OK, 1000, RUNTIME)));
    }

    @Test
    void devMayRunAsRoot() {
        assertTrue(run(facts(goodLabels(), "root"), OK, 0, new SmokeChecks.Expect("dev", "12.8.1", "22.04")).get("user"));
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
