package dev.nssimg.cli;

import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.profile.Resolved;
import dev.nssimg.workspace.Project;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "profiles", description = "List the profiles of the profiles file.",
        subcommands = ProfilesCommand.Show.class)
public final class ProfilesCommand implements Callable<Integer> {
    private final Context ctx;

    @Mixin CommonOptions common;

    public ProfilesCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var file = Project.discover(ctx.cwd()).profiles(common.config);
        ctx.out().println("profiles in " + file.file() + ":");
        for (Map.Entry<String, ProfileSpec> e : file.profiles().entrySet()) {
            ProfileSpec p = e.getValue();
            String ext = p.extendsName() == null ? "" : " (extends " + p.extendsName().value() + ")";
            ctx.out().printf("  %-14s %s%s%n", e.getKey(), p.description() == null ? "" : p.description(), ext);
        }
        ctx.out().flush();
        return 0;
    }

    @picocli.CommandLine.Command(name = "show",
            description = "Print every resolved value of a profile and where it came from (default < file < env < flags).")
    public static final class Show implements Callable<Integer> {
        private final Context ctx;

        @Mixin CommonOptions common;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Profile (default: the defaults alone).")
        String name;

        public Show(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (name != null) {
                common.profile = name;
            }
            Inputs in = Inputs.load(ctx, common, Overrides.NONE);
            Resolved r = in.resolved();
            Project project = in.project();
            var out = ctx.out();
            out.println("profile " + r.profile());
            row("platform", r.platform());
            row("platforms", Located.of(String.join(",", r.platforms().value()), r.platforms().origin()));
            row("dockerfile", Located.of(project.display(r.dockerfile().value()), r.dockerfile().origin()));
            row("context", Located.of(project.display(r.context().value()), r.context().origin()));
            r.contexts().forEach((k, v) -> row("contexts." + k, Located.of(project.display(v.value()), v.origin())));
            row("image", r.image());
            row("image-dev", r.imageDev());
            row("registry", r.registry());
            if (r.builder() != null) {
                row("builder", r.builder());
            }
            r.platformBuilders().forEach((k, v) -> row("platform-builders." + k, v));
            if (r.cacheFrom() != null) {
                row("cache-from", r.cacheFrom());
            }
            if (r.cacheTo() != null) {
                row("cache-to", r.cacheTo());
            }
            new TreeMap<>(r.argsFor(r.platform().value())).forEach((k, v) -> row("args." + k, v));
            for (String p : r.platforms().value()) {
                if (!p.equals(r.platform().value())) {
                    Map<String, Located<String>> base = r.argsFor(r.platform().value());
                    new TreeMap<>(r.argsFor(p)).forEach((k, v) -> {
                        if (!v.equals(base.get(k))) {
                            row("args[" + p + "]." + k, v);
                        }
                    });
                }
            }
            out.flush();
            return 0;
        }

        private void row(String key, Located<String> v) {
            ctx.out().printf("  %-36s %-28s %s%n", key, v.value().isEmpty() ? "(none)" : v.value(), v.origin());
        }
    }
}
