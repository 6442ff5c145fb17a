package dev.nssimg.cli;

import dev.nssimg.error.ExitCode;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;

@CommandLine.Command(name = "completion",
        description = {"Print a bash completion script.", "Use: source <(bin/nssimg completion)"})
public final class CompletionCommand implements Callable<Integer> {
    private final Invocation inv;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public CompletionCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        inv.out().print(AutoComplete.bash("nssimg", root));
        inv.out().flush();
        return ExitCode.OK.code();
    }
}
