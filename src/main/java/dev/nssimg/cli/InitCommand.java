package dev.nssimg.cli;

import dev.nssimg.app.Init;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "init", sortOptions = false,
        description = {"Write a starter profiles file from the repository's Dockerfile (stages, ARGs) and Makefile.",
            "Only what differs from the Dockerfile is written: the amd64 and arm64 profiles, the arm64 SM list and the",
            "images; its ARG defaults keep applying. By default the file goes outside the work tree, to the user's",
            "profiles file for this project, which nssimg then reads. Never overwrites (exit 2)."})
public final class InitCommand implements Callable<Integer> {
    private final Invocation inv;

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE",
            description = "The Dockerfile (default: the Makefile's CONTAINER_GPU_FILE, else containers/Dockerfile.cuda).")
    String file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write here instead, e.g. containers/profiles.yaml to commit it with the repository.")
    Path output;

    public InitCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        new Report(inv, false).init(Init.run(inv, new Init.Request(file, output)));
        return 0;
    }
}
