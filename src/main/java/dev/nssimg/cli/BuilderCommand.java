package dev.nssimg.cli;

import dev.nssimg.app.BuilderSetup;
import dev.nssimg.error.ExitCode;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
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
        private final Invocation inv;

        @Mixin CommonOptions common;

        @Parameters(paramLabel = "NAME", arity = "0..1",
                description = "Builder name (default: the builder of --profile, else the only one described).")
        String name;

        @Option(names = "--bootstrap", description = "Start the builder's nodes after creating it.")
        boolean bootstrap;

        @Option(names = "--dry-run", description = "Print the docker buildx commands and run nothing.")
        boolean dryRun;

        public Create(Invocation inv) {
            this.inv = inv;
        }

        @Override
        public Integer call() {
            BuilderSetup.Planned plan = BuilderSetup.plan(inv, new BuilderSetup.Request(common.selection(), name, bootstrap));
            Report report = new Report(inv, false);
            if (dryRun) {
                report.plan(plan.commands());
                return ExitCode.OK.code();
            }
            BuilderSetup.run(inv, plan);
            report.builderCreated(plan);
            return ExitCode.OK.code();
        }
    }
}
