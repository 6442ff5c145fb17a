package dev.nssimg.app;

import dev.nssimg.engine.Engine;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.ContainerEngine;
import dev.nssimg.profile.Located;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which engine builds, smoke-tests and runs: --engine, else CONTAINER_CMD (upstream's Makefile variable: a name
 * or a path, such as /usr/bin/podman), else the profile's engine key, else auto. auto means docker with its buildx
 * plugin (nssimg drives BuildKit), else podman, else docker without buildx (its classic builder, for old CLIs),
 * else exit 3. For podman, the Engine API (smoke, run, inspect) is podman's Docker-compatible service:
 * NSSIMG_PODMAN_HOST, else CONTAINER_HOST (podman's own variable), else the default socket of a rootful or
 * rootless podman. Looks at files only: no process is started.
 */
public record EngineChoice(ContainerEngine engine, String program, String why, String apiHost, String apiWhy) {
    public static final List<String> VALUES = List.of("docker", "podman", "auto");
    public static final String ENV = "CONTAINER_CMD";
    public static final String PODMAN_HOST_ENV = "NSSIMG_PODMAN_HOST";
    public static final String ROOTFUL_SOCKET = "/run/podman/podman.sock";
    /** Where the docker CLI looks for its plugins, after ~/.docker/cli-plugins (or $DOCKER_CONFIG's). */
    static final List<String> PLUGIN_DIRS = List.of("/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins");

    public boolean podman() {
        return engine == ContainerEngine.PODMAN;
    }

    /** The setting that switches to the other engine, for a hint. */
    public String otherSetting() {
        return podman() ? "--engine docker (or CONTAINER_CMD=docker)" : "--engine podman (or CONTAINER_CMD=podman)";
    }

    /** flag: --engine (null: not given); profile: the profile's engine key (null: none). */
    public static EngineChoice resolve(Map<String, String> env, String flag, Located<String> profile) {
        if (flag != null) {
            return named(env, flag, "flag --engine");
        }
        String cmd = env.get(ENV);
        if (cmd != null && !cmd.isBlank()) {
            ContainerEngine e = ContainerEngine.ofProgram(cmd.strip());
            if (e == null) {
                throw NssimgException.usage("env " + ENV + ": '" + cmd + "' is neither docker nor podman (a name on PATH or a path,"
                        + " e.g. /usr/bin/podman)");
            }
            String program = cmd.strip();
            if (program.contains("/") && !Files.isExecutable(Path.of(program))) {
                throw NssimgException.usage("env " + ENV + ": " + program + " is not an executable file");
            }
            return of(env, e, program, "env " + ENV + "=" + program);
        }
        if (profile != null) {
            return named(env, profile.value(), profile.origin());
        }
        return auto(env, "auto (no --engine, " + ENV + " or profile engine)");
    }

    private static EngineChoice named(Map<String, String> env, String value, String origin) {
        return switch (value) {
            case "docker" -> of(env, ContainerEngine.DOCKER, "docker", origin);
            case "podman" -> of(env, ContainerEngine.PODMAN, "podman", origin);
            case "auto" -> auto(env, origin + ": auto");
            default -> throw NssimgException.usage(origin + ": engine '" + value + "' is not one of " + String.join(", ", VALUES));
        };
    }

    private static EngineChoice auto(Map<String, String> env, String origin) {
        Optional<Path> docker = onPath(env, "docker");
        Optional<Path> buildx = docker.flatMap(d -> buildxPlugin(env));
        Optional<Path> podman = onPath(env, "podman");
        if (buildx.isPresent()) {
            return of(env, ContainerEngine.DOCKER, "docker", origin + "; docker with buildx (" + buildx.get() + ")");
        }
        if (podman.isPresent()) {
            return of(env, ContainerEngine.PODMAN, "podman", origin + "; no docker buildx plugin"
                    + (docker.isPresent() ? " beside " + docker.get() : " and no docker") + ", podman at " + podman.get());
        }
        if (docker.isPresent()) {
            return of(env, ContainerEngine.DOCKER, "docker", origin + "; docker at " + docker.get()
                    + " without buildx, and no podman (docker's classic builder only)");
        }
        throw NssimgException.environment("no container engine: neither docker nor podman is on PATH; install one"
                + " (Debian: docker.io and docker-buildx, or podman; or scripts/testbed up)");
    }

    private static EngineChoice of(Map<String, String> env, ContainerEngine e, String program, String why) {
        if (e == ContainerEngine.DOCKER) {
            String host = env.getOrDefault("DOCKER_HOST", "");
            return new EngineChoice(e, program, why, host.isBlank() ? null : host, host.isBlank() ? "docker's default" : "env DOCKER_HOST");
        }
        String own = env.get(PODMAN_HOST_ENV);
        if (own != null && !own.isBlank()) {
            return new EngineChoice(e, program, why, own, "env " + PODMAN_HOST_ENV);
        }
        String container = env.get("CONTAINER_HOST");
        if (container != null && !container.isBlank()) {
            return new EngineChoice(e, program, why, container, "env CONTAINER_HOST");
        }
        if (rootless()) {
            String runtime = env.getOrDefault("XDG_RUNTIME_DIR", "/run/user/" + uid());
            return new EngineChoice(e, program, why, "unix://" + runtime + "/podman/podman.sock", "rootless podman's default");
        }
        return new EngineChoice(e, program, why, "unix://" + ROOTFUL_SOCKET, "rootful podman's default");
    }

    /** How to start podman's Docker-compatible service on the socket chosen. */
    public String startHint() {
        String path = apiHost.startsWith("unix://") ? apiHost.substring("unix://".length()) : apiHost;
        return rootless() ? "systemctl --user start podman.socket, or: podman system service --time=0 unix://" + path + " &"
                : "podman system service --time=0 unix://" + path + " &  (or systemctl start podman.socket)";
    }

    /**
     * The invocation as the engine API sees it: for podman, DOCKER_HOST is podman's service (docker-java speaks the
     * Docker API to it); for docker, unchanged.
     */
    public Invocation apply(Invocation inv) {
        if (!podman()) {
            return inv;
        }
        Map<String, String> env = new HashMap<>(inv.env());
        env.put("DOCKER_HOST", apiHost);
        env.put(Engine.PODMAN_API_HINT, startHint());
        return new Invocation(env, inv.cwd(), inv.out(), inv.err(), inv.launcher(), inv.engines(), inv.cleanup(), inv.log(),
                inv.turns());
    }

    /** The other engine (podman for docker, docker for podman), at its own API address. */
    public EngineChoice other(Map<String, String> env) {
        ContainerEngine e = podman() ? ContainerEngine.DOCKER : ContainerEngine.PODMAN;
        return of(env, e, e.id(), "the other engine");
    }

    /**
     * An image missing in this engine: the error, and when the other engine's store has it (upstream's Makefile
     * tries podman first, so `make` may have built it there), the setting that switches. The other engine is asked
     * only when its unix socket exists (a short, local call).
     */
    public NssimgException missing(Invocation inv, String ref, NssimgException notFound) {
        EngineChoice other = other(inv.env());
        Optional<Path> sock = other.socket();
        if (other.apiHost == null) {
            sock = Optional.of(Path.of(Engine.DEFAULT_HOST.substring("unix://".length())));
        }
        if (sock.isEmpty() || !Files.exists(sock.get())) {
            return notFound;
        }
        Map<String, String> env = new HashMap<>(inv.env());
        if (other.apiHost == null) {
            env.remove("DOCKER_HOST");
        } else {
            env.put("DOCKER_HOST", other.apiHost);
        }
        try (Engine e = Engine.connect(env, inv.cwd(), inv.cleanup(), inv.log())) {
            if (e.inspectImage(ref).isPresent()) {
                return new NssimgException(notFound.exitCode(), notFound.getMessage() + "; " + other.engine.id() + "'s store at "
                        + e.host() + " has it: use " + otherSetting());
            }
        } catch (NssimgException | java.io.IOException ex) {
            inv.log().debug(EngineChoice.class, "the other engine could not say: {}", ex.getMessage());
        }
        return notFound;
    }

    /** The unix socket of the API address, if it is one. */
    public Optional<Path> socket() {
        return apiHost != null && apiHost.startsWith("unix://") ? Optional.of(Path.of(apiHost.substring("unix://".length())))
                : Optional.empty();
    }

    static Optional<Path> onPath(Map<String, String> env, String name) {
        for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Path> buildxPlugin(Map<String, String> env) {
        List<String> dirs = new ArrayList<>();
        String config = env.get("DOCKER_CONFIG");
        dirs.add(config != null && !config.isBlank() ? config + "/cli-plugins" : env.getOrDefault("HOME", "/root") + "/.docker/cli-plugins");
        dirs.addAll(PLUGIN_DIRS);
        return dirs.stream().map(d -> Path.of(d, "docker-buildx")).filter(Files::isExecutable).findFirst();
    }

    static boolean rootless() {
        return uid() != 0;
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }
}
