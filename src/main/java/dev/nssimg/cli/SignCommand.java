package dev.nssimg.cli;

import dev.nssimg.app.Selection;
import dev.nssimg.app.Signatures;
import dev.nssimg.error.ExitCode;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@picocli.CommandLine.Command(name = "sign", sortOptions = false,
        description = {"Sign a pushed image with cosign: the index and every manifest in it, by digest.",
            "REF is resolved to its digest once, before signing, so a tag moved meanwhile is not what gets signed."})
public final class SignCommand implements Callable<Integer> {
    private final Invocation inv;

    @Parameters(paramLabel = "REF", description = "The image in its registry (a tag or REPO@DIGEST).")
    String ref;

    @Mixin SignOptions signing;

    @Option(names = "--config", paramLabel = "FILE", description = "Profiles file (default: containers/profiles.yaml of the project).")
    Path config;

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Profile whose sign: section applies.")
    String profile;

    @Option(names = "--dry-run", description = "Resolve REF's digest, print the cosign command, and sign nothing.")
    boolean dryRun;

    @Mixin OutputFormat format;

    public SignCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Signatures.Planned p = Signatures.planSign(inv, ref, signing.flags(), new Selection(config, profile), dryRun);
        Report report = new Report(inv, format.json);
        if (p.note() != null) {
            report.warnings(List.of(p.note()));
        }
        if (dryRun) {
            report.plan(p.signs());
            return ExitCode.OK.code();
        }
        report.signed(Signatures.sign(inv, p));
        return ExitCode.OK.code();
    }
}
