package dev.nssimg.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;

@CommandLine.Command(name = "completion",
        description = {"Print a bash completion script.", "Use: source <(bin/nssimg completion)"})
public final class CompletionCommand implements Callable<Integer> {
    private final Context ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public CompletionCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        ctx.out().print(AutoComplete.bash("nssimg", root));
        ctx.out().flush();
        return 0;
    }
}
