package dev.nssimg.app;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import dev.nssimg.workspace.TaskRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The project, its profiles file and the resolved profile an operation works on. */
record Inputs(Project project, ProfilesFile file, Resolved resolved, TaskRunner runner) {

    static Inputs load(Invocation inv, Selection sel, Overrides flags) {
        Project project = Project.discover(inv.cwd());
        ProfilesFile file = project.profiles(sel.config(), inv.env());
        inv.log().debug(Inputs.class, "project root {}, profiles {}", project.root(), file.file());
        Resolver.RunnerKeys keys = Resolver.runnerKeys(file, sel.profile());
        TaskRunner runner = TaskRunner.read(project.root(), keys.runner() == null ? null : keys.runner().value());
        Map<String, Located<String>> envArgs = runnerArgs(runner, inv.env());
        // A profile's env-args state the mapping outright (a runner nssimg cannot read): they beat the runner's.
        keys.envArgs().forEach((var, arg) -> {
            String value = inv.env().get(var);
            if (value != null && !value.isBlank()) {
                envArgs.put(arg.value(), Located.of(value, "env " + var + " (" + arg.origin() + ")"));
            }
        });
        Overrides env = Overrides.fromEnv(inv.env(), envArgs);
        Resolved r = Resolver.resolve(file, sel.profile(), project.root(), project.cwd(), env, flags);
        return new Inputs(project, file, r, runner);
    }

    /**
     * The build arguments the repository's runner takes from the environment (a mise build task's
     * {@code --build-arg CONTAINER_EXTRA=${CONTAINER_GPU_EXTRA:-cu129}}): only those an environment variable actually
     * sets, at the environment's rank, each located at the task's line. The task's own defaults are not passed: the
     * Dockerfile's and the profile's stand.
     */
    static Map<String, Located<String>> runnerArgs(TaskRunner runner, Map<String, String> env) {
        Map<String, Located<String>> out = new LinkedHashMap<>();
        for (TaskRunner.ArgFromEnv a : runner.gpuBuildArgs()) {
            TaskRunner.expand(a.expression(), env).filter(e -> !e.from().isEmpty() && !a.expression().contains("{{")).ifPresent(e ->
                    out.put(a.arg(), Located.of(e.value(), a.origin() + " (" + String.join(", ", e.from()) + ")")));
        }
        return out;
    }

    /**
     * The profile's Dockerfile, or empty when it cannot be read: commands that only show or test (profiles show,
     * smoke) work without one; a build does not.
     */
    Optional<DockerfileInfo> readableDockerfile() {
        return readableDockerfile(resolved.platform().value());
    }

    /** The Dockerfile of one platform (its platform-dockerfiles entry, else the profile's), empty when unreadable. */
    Optional<DockerfileInfo> readableDockerfile(String platform) {
        try {
            return Optional.of(project.dockerfile(resolved.dockerfileFor(platform).value()));
        } catch (NssimgException e) {
            return Optional.empty();
        }
    }

    /** KEY=VALUE flags; the value may itself contain '='. */
    static Map<String, Located<String>> keyValues(List<String> items, String flag) {
        Map<String, Located<String>> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw NssimgException.usage("flag " + flag + ": expected KEY=VALUE, got '" + item + "'");
            }
            out.put(item.substring(0, eq), Located.of(item.substring(eq + 1), "flag " + flag));
        }
        return out;
    }

    /** The image a command needs is not on the engine: exit 1, with the build command that makes it. */
    static NssimgException imageMissing(String ref, String host, String target, String profile) {
        return imageMissing(ref, host, "--target " + target + (profile == null ? "" : " --profile " + profile));
    }

    /** build: the arguments of the nssimg build that makes the image (and anything said after them). */
    static NssimgException imageMissing(String ref, String host, String build) {
        return NssimgException.failed("image " + ref + " not found on the engine " + host + "; build it with: nssimg build " + build);
    }

    static Located<String> flag(String value, String name) {
        return value == null ? null : Located.of(value, "flag " + name);
    }
}
