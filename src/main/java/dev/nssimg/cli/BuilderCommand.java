package dev.nssimg.cli;

import dev.nssimg.buildx.DockerCli;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuilderPlanner;
import dev.nssimg.plan.Command;
import dev.nssimg.profile.BuilderSpec;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.workspace.Project;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "builder", description = "Manage the buildx builders the profiles file describes.",
        subcommands = BuilderCommand.Create.class)
public final class BuilderCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @picocli.CommandLine.Command(name = "create", sortOptions = false,
            description = {"Create a builder described in the profiles file's 'builders' section.",
                "One node per entry (e.g. a native arm64 node appended to an amd64 one); removed again if a step fails."})
    public static final class Create implements Callable<Integer> {
        private final Context ctx;

        @Mixin CommonOptions common;

        @Parameters(paramLabel = "NAME", arity = "0..1",
                description = "Builder name (default: the builder of --profile, else the only one described).")
        String name;

        @Option(names = "--bootstrap", description = "Start the builder's nodes after creating it.")
        boolean bootstrap;

        @Option(names = "--dry-run", description = "Print the docker buildx commands and run nothing.")
        boolean dryRun;

        public Create(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ProfilesFile file = Project.discover(ctx.cwd()).profiles(common.config);
            BuilderSpec b = pick(file);
            List<Command> plan = BuilderPlanner.create(b, bootstrap);
            if (dryRun) {
                plan.forEach(c -> ctx.out().println(c.shellLine()));
                ctx.out().flush();
                return 0;
            }
            DockerCli cli = Inputs.dockerCli(ctx);
            for (Command c : plan) {
                DockerCli.Output o = cli.capture(c.argv(), 600);
                if (!o.ok()) {
                    if (c.phase() > 0 || c.label().equals("bootstrap")) {
                        cli.capture(BuilderPlanner.remove(b).argv(), 60);
                    }
                    throw NssimgException.environment("creating builder " + b.name() + " failed at node " + c.label() + ": "
                            + o.lastErrorLine() + (c.phase() > 0 ? " (the half-made builder was removed)" : ""));
                }
                ctx.err().println("nssimg: " + String.join(" ", c.argv().subList(0, 3)) + " " + c.label() + ": ok");
            }
            ctx.out().println("builder " + b.name() + " created; use it with --builder " + b.name());
            ctx.out().flush();
            return 0;
        }

        private BuilderSpec pick(ProfilesFile file) {
            String wanted = name;
            if (wanted == null && common.profile != null) {
                ProfileSpec p = file.profiles().get(common.profile);
                if (p == null) {
                    throw NssimgException.usage("flag --profile: unknown profile '" + common.profile + "' (known: "
                            + String.join(", ", file.profiles().keySet()) + ")");
                }
                wanted = p.builder() == null ? (file.defaults().builder() == null ? null : file.defaults().builder().value())
                        : p.builder().value();
            }
            if (wanted == null) {
                if (file.builders().size() != 1) {
                    throw NssimgException.usage("builder create: name a builder (described in " + file.file() + ": "
                            + (file.builders().isEmpty() ? "none" : String.join(", ", file.builders().keySet())) + ")");
                }
                return file.builders().values().iterator().next();
            }
            BuilderSpec b = file.builders().get(wanted);
            if (b == null) {
                throw NssimgException.usage("builder '" + wanted + "' is not described in " + file.file() + " (described: "
                        + (file.builders().isEmpty() ? "none" : String.join(", ", file.builders().keySet())) + ")");
            }
            return b;
        }
    }
}
