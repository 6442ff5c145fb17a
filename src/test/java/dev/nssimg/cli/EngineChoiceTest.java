package dev.nssimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nssimg.testing.SpecCheckout;
import dev.nssimg.testing.TestCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --engine, CONTAINER_CMD and the profile's engine key, through the CLI: what --dry-run prints and what is refused. */
class EngineChoiceTest {
    static TestCli cli() {
        return new TestCli().env("SOURCE_DATE_EPOCH", "0");
    }

    static Path program(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void engineFlagRendersThePodmanCommandAndContactsNothing() {
        TestCli.Result r = cli().run("build", "--engine", "podman", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("podman build --file containers/Dockerfile.cuda --target runtime"
                + " --platform linux/amd64 "), r.out());
        assertTrue(r.out().contains(" --layers --tag nss-gpu:latest --iidfile "), r.out());
        assertEquals(List.of(), r.spawned());
        assertEquals(0, r.engineRequests());
    }

    @Test
    void containerCmdIsANameOrAPath(@TempDir Path dir) throws Exception {
        Path podman = program(dir, "podman");
        TestCli.Result r = cli().env("CONTAINER_CMD", podman.toString()).run("build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(podman + " build "), r.out());
        TestCli.Result flag = cli().env("CONTAINER_CMD", podman.toString()).run("build", "--engine", "docker", "--dry-run");
        assertTrue(flag.out().contains("docker buildx build "), "the flag beats the variable: " + flag.out() + flag.err());
        TestCli.Result other = cli().env("CONTAINER_CMD", "buildah").run("build", "--dry-run");
        assertEquals(2, other.exit());
        assertEquals("nssimg: error: env CONTAINER_CMD: 'buildah' is neither docker nor podman (a name on PATH or a path,"
                + " e.g. /usr/bin/podman)", other.errLine());
        TestCli.Result missing = cli().env("CONTAINER_CMD", dir.resolve("nope/podman").toString()).run("build", "--dry-run");
        assertEquals(2, missing.exit());
        assertTrue(missing.errLine().endsWith("nope/podman is not an executable file"), missing.errLine());
        TestCli.Result bad = cli().run("build", "--engine", "lxc", "--dry-run");
        assertEquals(2, bad.exit());
        assertEquals("nssimg: error: flag --engine: 'lxc' is not one of docker, podman, auto", bad.errLine());
    }

    @Test
    void autoIsDockerWithBuildxElsePodmanElseExitThree(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        program(bin, "podman");
        // No docker on PATH: podman (whatever plugins the machine has, they belong to no docker here).
        TestCli.Result r = cli().unset("CONTAINER_CMD").env("PATH", bin.toString()).env("HOME", dir.toString()).run("build", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("podman build "), r.out());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        TestCli.Result none = cli().unset("CONTAINER_CMD").env("PATH", empty.toString()).env("HOME", dir.toString())
                .run("build", "--dry-run");
        assertEquals(3, none.exit());
        assertTrue(none.errLine().startsWith("nssimg: error: no container engine: neither docker nor podman is on PATH"), none.errLine());
        // docker with its buildx plugin (in ~/.docker/cli-plugins): docker, even with podman beside it.
        program(bin, "docker");
        program(Files.createDirectories(dir.resolve(".docker/cli-plugins")), "docker-buildx");
        TestCli.Result docker = cli().unset("CONTAINER_CMD").env("PATH", bin.toString()).env("HOME", dir.toString())
                .run("build", "--dry-run");
        assertTrue(docker.out().contains("docker buildx build "), docker.out() + docker.err());
    }

    @Test
    void aProfileNamesItsEngineAndItIsChecked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, "defaults:\n  dockerfile: " + SpecCheckout.DIR.resolve("containers/Dockerfile.cuda") + "\n  context: "
                + SpecCheckout.DIR + "\nprofiles:\n  pod:\n    engine: podman\n");
        TestCli.Result r = cli().unset("CONTAINER_CMD").run("build", "--config", file.toString(), "--profile", "pod", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("podman build "), r.out());
        TestCli.Result env = cli().run("build", "--config", file.toString(), "--profile", "pod", "--dry-run");
        assertTrue(env.out().contains("docker buildx build "), "CONTAINER_CMD beats the profile: " + env.out() + env.err());
        Files.writeString(file, Files.readString(file) + "  odd:\n    engine: lxc\n");
        TestCli.Result odd = cli().run("build", "--config", file.toString(), "--profile", "pod", "--dry-run");
        assertEquals(2, odd.exit());
        assertTrue(odd.errLine().matches("nssimg: error: .*profiles.yaml:8: engine 'lxc' is not one of docker, podman, auto"),
                odd.errLine());
    }

    @Test
    void flagsPodmanCannotHonourAreExitTwoNamingTheFlag() {
        for (String[] c : List.of(new String[] {"--progress", "rawjson"}, new String[] {"--provenance", "mode=max"},
                new String[] {"--sbom", "true"}, new String[] {"--attest", "type=provenance"}, new String[] {"--push-by-digest"},
                new String[] {"--reproducible"}, new String[] {"--verify-reproducible"})) {
            List<String> args = new java.util.ArrayList<>(List.of("build", "--engine", "podman", "--dry-run"));
            args.addAll(List.of(c));
            TestCli.Result r = cli().run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.errLine().startsWith("nssimg: error: flag " + c[0] + ": podman") && r.errLine().endsWith("build with --engine docker for it"),
                    r.errLine());
        }
    }

    @Test
    void theLintJudgesForTheEngineThatBuilds(@TempDir Path dir) throws Exception {
        // A variable in COPY --from: BuildKit takes it literally (an error there); buildah expands it, so for podman it is a
        // warning (what breaks the other engine is at least that).
        Files.writeString(dir.resolve("Dockerfile"), "ARG V=1\nFROM busybox:${V} AS a\nFROM busybox\nCOPY --from=busybox:${V} /bin/sh /x\n");
        TestCli.Result docker = cli().cwd(dir).run("check", "--file", "Dockerfile", "--no-buildkit");
        assertEquals(1, docker.exit(), docker.out());
        TestCli.Result podman = cli().cwd(dir).run("check", "--file", "Dockerfile", "--engine", "podman");
        assertEquals(0, podman.exit(), podman.out() + podman.err());
        assertTrue(podman.out().contains("from-variable: warning") && podman.out().contains("not run: podman builds (buildah), not BuildKit"),
                podman.out());
    }

    @Test
    void runDryRunIsThePodmanLine() {
        TestCli.Result r = cli().run("run", "--engine", "podman", "--gpus", "all", "--hf-cache", "/tmp/hf", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("podman run --rm --label nssimg.run=true --gpus all --shm-size=1g -v "), r.out());
        assertEquals(0, r.engineRequests());
    }
}
