package dev.nssimg.cli;

import dev.nssimg.app.Selection;
import dev.nssimg.app.Signatures;
import dev.nssimg.error.ExitCode;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "verify", sortOptions = false,
        description = {"Verify the cosign signatures of a pushed image: the index and every platform manifest.",
            "Exit 1 when one is missing or not made by the key (or identity); exit 3 when the registry cannot be reached."})
public final class VerifyCommand implements Callable<Integer> {
    private final Invocation inv;

    @Parameters(paramLabel = "REF", description = "The image in its registry (a tag or REPO@DIGEST).")
    String ref;

    @Mixin SignOptions signing;

    @Option(names = "--config", paramLabel = "FILE", description = "Profiles file (default: containers/profiles.yaml of the project).")
    Path config;

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Profile whose sign: section applies.")
    String profile;

    @Mixin OutputFormat format;

    public VerifyCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Signatures.Verified v = Signatures.verify(inv, ref, signing.flags(), new Selection(config, profile));
        new Report(inv, format.json).verifiedSignatures(v);
        return v.ok() ? ExitCode.OK.code() : ExitCode.FAILED.code();
    }
}
