package dev.nssimg.cli;

import picocli.CommandLine.Command;

@Command(name = "nssimg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Build, smoke-test and run the NeMo Safe Synthesizer CUDA container images.",
        footer = {"%nRun 'nssimg COMMAND --help' for a command's flags. Docs: README.md"})
public final class RootCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
