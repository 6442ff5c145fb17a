package dev.nssimg.cli;

import picocli.CommandLine.Command;

@Command(name = "nssimg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Build, smoke-test and run the NeMo Safe Synthesizer CUDA container images.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the build, a smoke check or the container failed",
            "2:usage or configuration error (flag, profile, Dockerfile, image reference)",
            "3:environment error (engine, buildx or registry unreachable)",
            "130:interrupted; children stopped and containers removed"
        },
        footer = {"%nRun 'nssimg COMMAND --help' for a command's flags. Docs: README.md"})
public final class RootCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
