package dev.nssimg.cli;

import dev.nssimg.app.Profiles;
import dev.nssimg.app.Selection;
import dev.nssimg.error.ExitCode;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "profiles", description = "List the profiles of the profiles file.",
        subcommands = ProfilesCommand.Show.class)
public final class ProfilesCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    public ProfilesCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        new Report(inv, false).profiles(Profiles.list(inv, common.selection()));
        return ExitCode.OK.code();
    }

    @picocli.CommandLine.Command(name = "show",
            description = "Print every resolved value of a profile and where it came from (Dockerfile and defaults < file < env < flags).")
    public static final class Show implements Callable<Integer> {
        private final Invocation inv;

        @Mixin CommonOptions common;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Profile (default: the defaults alone).")
        String name;

        public Show(Invocation inv) {
            this.inv = inv;
        }

        @Override
        public Integer call() {
            Selection sel = common.selection();
            if (name != null) {
                sel = sel.withProfile(name);
            }
            new Report(inv, false).profile(Profiles.show(inv, sel));
            return ExitCode.OK.code();
        }
    }
}
