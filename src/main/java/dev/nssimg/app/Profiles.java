package dev.nssimg.app;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.ArgForms;
import dev.nssimg.plan.Stages;
import dev.nssimg.profile.BuildArgs;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.profile.Resolver;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.workspace.Project;
import dev.nssimg.workspace.Pyproject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** `nssimg profiles [show NAME]`: the profiles of the file, and every resolved value with its origin. */
public final class Profiles {
    private Profiles() {}

    /** One profile of the list: name, description (may be empty) and the profile it extends (null: none). */
    public record Entry(String name, String description, String extendsName) {}

    /** root: the project root in use; file: the profiles file (or "(no profiles file)"). */
    public record Listing(String root, String file, List<Entry> profiles) {
        public Listing {
            profiles = List.copyOf(profiles);
        }
    }

    /**
     * One resolved value: its key (args.X, args[PLATFORM].X for per-platform differences), value and origin.
     * unused: a build argument the Dockerfile does not declare, so a build does not pass it.
     */
    public record Value(String key, String value, String origin, boolean unused) {}

    /** note: what could not be read (the Dockerfile), else null. */
    /** runner: the repository's task runner nssimg read and its files; runnerNotes: what it did not read, and why. */
    public record Shown(String profile, String root, String file, List<Value> values, String note, String runner,
            List<String> runnerNotes) {
        public Shown {
            values = List.copyOf(values);
            runnerNotes = List.copyOf(runnerNotes);
        }
    }

    public static Listing list(Invocation inv, Selection sel) {
        Project project = Project.discover(inv.cwd());
        ProfilesFile file = project.profiles(sel.config(), inv.env());
        List<Entry> entries = new ArrayList<>();
        if (!file.profiles().containsKey(Resolver.BUILTIN)) {
            entries.add(new Entry(Resolver.BUILTIN, "the defaults alone (no --profile)", null));
        }
        for (Map.Entry<String, ProfileSpec> e : file.profiles().entrySet()) {
            ProfileSpec p = e.getValue();
            entries.add(new Entry(e.getKey(), p.description() == null ? "" : p.description(),
                    p.extendsName() == null ? null : p.extendsName().value()));
        }
        return new Listing(project.display(project.root()), file.file(), entries);
    }

    /** The profile sel names ("default", when no profile has that name, is the defaults alone, as the list says: Resolver). */
    public static Shown show(Invocation inv, Selection sel) {
        Inputs in = Inputs.load(inv, sel, Overrides.NONE);
        Resolved r = in.resolved();
        Project project = in.project();
        List<Value> rows = new ArrayList<>();
        add(rows, "platform", r.platform());
        add(rows, "platforms", Located.of(String.join(",", r.platforms().value()), r.platforms().origin()));
        add(rows, "dockerfile", Located.of(project.display(r.dockerfile().value()), r.dockerfile().origin()));
        add(rows, "context", Located.of(project.display(r.context().value()), r.context().origin()));
        new java.util.TreeMap<>(r.contexts()).forEach((k, v) -> add(rows, "contexts." + k, Located.of(
                Resolved.localContext(v.value()).map(project::display).orElse(v.value()), v.origin())));
        new TreeMap<>(r.platformDockerfiles()).forEach((k, v) ->
                add(rows, "platform-dockerfiles." + k, Located.of(project.display(v.value()), v.origin())));
        new TreeMap<>(r.platformContexts()).forEach((k, v) ->
                add(rows, "platform-contexts." + k, Located.of(project.display(v.value()), v.origin())));
        add(rows, "image", r.image());
        add(rows, "image-dev", r.imageDev());
        add(rows, "registry", r.registry());
        if (r.engine() != null) {
            add(rows, "engine", r.engine());
        }
        if (r.builder() != null) {
            add(rows, "builder", r.builder());
        }
        r.platformBuilders().forEach((k, v) -> add(rows, "platform-builders." + k, v));
        if (r.cacheFrom() != null) {
            add(rows, "cache-from", r.cacheFrom());
        }
        if (r.cacheTo() != null) {
            add(rows, "cache-to", r.cacheTo());
        }
        var pub = r.publishing();
        addList(rows, "tags", pub.tags());
        addList(rows, "registries", pub.registries());
        addIfSet(rows, "branch", pub.branch());
        addIfSet(rows, "default-branch", pub.defaultBranch());
        addIfSet(rows, "reproducible", pub.reproducible());
        addIfSet(rows, "provenance", pub.provenance());
        addIfSet(rows, "sbom", pub.sbom());
        addList(rows, "attest", pub.attest());
        DockerfileInfo df = in.readableDockerfile().orElse(null);
        DockerfileInfo.Stage stage = df == null ? null : Stages.of(null, df);
        String note = df == null ? "the Dockerfile " + project.display(r.dockerfile().value()) + " cannot be read: its ARG defaults are not shown"
                : "ARG defaults of stage " + stage.name() + ", the one a build without --target makes";
        Map<String, Located<String>> defaults = df == null ? Map.of() : Stages.defaults(df, stage);
        Set<String> declared = df == null ? null : df.declaredArgs();
        if (df != null) { // refused here as a build refuses it: show and build agree on every value
            java.util.Set<String> extras = Pyproject.extras(r.context().value());
            for (String p : r.everyPlatform()) {
                ArgForms.check(df, defaults, r.argsFor(p));
                ArgForms.extraProblems(df, r.argsFor(p), extras).stream().findFirst().ifPresent(pr -> {
                    throw NssimgException.usage(pr.message());
                });
            }
        }
        Map<String, Located<String>> base = r.effectiveArgs(defaults, r.platform().value());
        new TreeMap<>(base).forEach((k, v) -> rows.add(arg("args." + k, k, v, declared)));
        for (String p : r.platforms().value()) {
            if (!p.equals(r.platform().value())) {
                new TreeMap<>(r.effectiveArgs(defaults, p)).forEach((k, v) -> {
                    if (!v.equals(base.get(k))) {
                        rows.add(arg("args[" + p + "]." + k, k, v, declared));
                    }
                });
            }
        }
        return new Shown(r.profile(), project.display(project.root()), in.file().file(), rows, note, in.runner().describe(),
                in.runner().notes());
    }

    private static Value arg(String key, String name, Located<String> v, Set<String> declared) {
        boolean unused = declared != null && !declared.contains(name) && !BuildArgs.BUILTIN.contains(name);
        return new Value(key, v.value(), v.origin(), unused);
    }

    private static void add(List<Value> rows, String key, Located<String> v) {
        rows.add(new Value(key, v.value(), v.origin(), false));
    }

    private static void addIfSet(List<Value> rows, String key, Located<String> v) {
        if (v != null) {
            add(rows, key, v);
        }
    }

    private static void addList(List<Value> rows, String key, Located<List<String>> v) {
        if (v != null) {
            add(rows, key, Located.of(String.join(",", v.value()), v.origin()));
        }
    }
}
