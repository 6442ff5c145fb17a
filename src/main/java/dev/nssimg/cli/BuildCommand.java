package dev.nssimg.cli;

import dev.nssimg.app.Builds;
import dev.nssimg.app.Signatures;
import dev.nssimg.app.Smokes;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.NssimgException;
import dev.nssimg.plan.BuildRequest;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Sign;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "build", sortOptions = false,
        description = {"Build an image with docker buildx, from a profile.",
            "Without a registry the image is loaded into the engine; with --multiarch it is pushed."})
public final class BuildCommand implements Callable<Integer> {
    private final Invocation inv;

    @Mixin CommonOptions common;

    @Option(names = "--target", paramLabel = "STAGE",
            description = "Stage to build, by name, case-insensitively. Default: the stage named runtime, else the last"
                    + " stage; naming the last stage sends no --target to buildx.")
    String target;

    @Option(names = "--platform", paramLabel = "PLATFORM",
            description = "linux/amd64 or linux/arm64; a comma list implies --multiarch. Env: CONTAINER_GPU_PLATFORM.")
    String platform;

    @Option(names = {"-t", "--tag"}, paramLabel = "REF", description = "Image tag (repeatable). Default: the profile's image.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "Build argument (repeatable); beats the profile.")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "Dockerfile (default: the profile's).")
    String file;

    @Option(names = "--context", paramLabel = "DIR", description = "Build context (default: the profile's).")
    String context;

    @Option(names = "--multiarch", description = "Build every platform of the profile into one pushed tag.")
    boolean multiarch;

    @Option(names = "--strategy", paramLabel = "auto|single|split", defaultValue = "auto",
            description = "Multi-arch strategy: one buildx call, or one per platform joined by imagetools (default: auto).")
    BuildRequest.Strategy strategy;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2",
            description = "Platforms built at once by the split strategy (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--push-by-digest", negatable = true, paramLabel = "",
            description = "Split builds: push each platform by digest (needs a docker-container, remote or kubernetes"
                    + " builder) instead of as TAG-ARCH. Default: on when a builder is named.")
    Boolean pushByDigest;

    @Option(names = "--registry", paramLabel = "REGISTRY", description = "Registry prefix for tags. Env: CONTAINER_GPU_REGISTRY.")
    String registry;

    @Option(names = "--push", description = "Push the image to its registry.")
    boolean push;

    @Option(names = "--load", description = "Load the image into the engine (default for one platform).")
    boolean load;

    @Option(names = "--no-cache", description = "Do not use the build cache.")
    boolean noCache;

    @Option(names = "--pull", description = "Always look for newer base images.")
    boolean pull;

    @Option(names = "--cache-from", paramLabel = "REF|SPEC",
            description = "Cache source; {image} and {arch} are replaced; a bare ref means type=registry.")
    String cacheFrom;

    @Option(names = "--cache-to", paramLabel = "REF|SPEC",
            description = "Cache export; a bare ref means type=registry,mode=max.")
    String cacheTo;

    @Option(names = "--builder", paramLabel = "NAME", description = "buildx builder instance.")
    String builder;

    @Option(names = "--progress", paramLabel = "MODE",
            description = "buildx progress: auto, plain, tty, quiet, rawjson (default: plain, rawjson with --json).")
    String progress;

    @Option(names = "--secret", paramLabel = "id=ID,env=VAR|src=FILE",
            description = "Build secret for RUN --mount=type=secret (repeatable). Values never reach argv or the image.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--strict", description = "Treat build args the Dockerfile does not declare as errors.")
    boolean strict;

    @Option(names = "--reproducible", negatable = true,
            description = "Same commit, same per-platform digests: layer file times rewritten to SOURCE_DATE_EPOCH"
                    + " (docker driver: an OCI tarball, loaded, then pushed). Default: the profile's reproducible, else off.")
    Boolean reproducible;

    @Option(names = "--verify-reproducible",
            description = "Build twice without cache and compare each platform's manifest digest; on a difference name"
                    + " the layers and files. Publishes nothing.")
    boolean verifyReproducible;

    @Option(names = "--provenance", paramLabel = "VALUE",
            description = "buildx --provenance (e.g. mode=max, mode=min, false). Default: the profile's, else mode=max"
                    + " when the build pushes.")
    String provenance;

    @Option(names = "--sbom", paramLabel = "VALUE",
            description = "buildx --sbom (true needs BuildKit's SBOM scanner image, docker/buildkit-syft-scanner).")
    String sbom;

    @Option(names = "--attest", paramLabel = "SPEC", description = "buildx --attest (repeatable), e.g. type=sbom,generator=IMAGE.")
    List<String> attest = new ArrayList<>();

    @Option(names = "--sign", description = "Sign what the build pushes with cosign, by digest, after the push: the index and"
            + " every manifest in it, in each repository its tags name. Key: --sign-key or the profile's sign: section.")
    boolean sign;

    @Option(names = "--sign-key", paramLabel = "KEYREF",
            description = "cosign key (implies --sign): a file, env://NAME or a KMS URI. Its password comes from COSIGN_PASSWORD only.")
    String signKey;

    @Option(names = "--tlog", negatable = true, paramLabel = "",
            description = "Record signatures in the transparency log (cosign's default); --no-tlog for private registries and"
                    + " offline use. Default: the profile's sign: tlog, else on.")
    Boolean tlog;

    @Option(names = "--max-size", paramLabel = "SIZE",
            description = "Fail (exit 1) when the image is larger, e.g. 25GB (binary units); checks the engine's free disk first."
                    + " Beats a profile's size-budget.")
    String maxSize;

    @Option(names = "--dry-run", description = "Print the commands, one per line (shell-quoted), and run nothing.")
    boolean dryRun;

    @Mixin OutputFormat format;

    @Option(names = "--smoke", description = "Smoke-test the image right after building it.")
    boolean smoke;

    @Option(names = "--require-gpu", description = "With --smoke: a GPU check that cannot run here fails instead of being"
            + " reported as not run.")
    boolean requireGpu;

    @Option(names = "--smoke-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Timeout of each smoke container (default: ${DEFAULT-VALUE}).")
    long smokeTimeout;

    public BuildCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Builds.Planned planned = Builds.plan(inv, new Builds.Request(common.selection(), target, platform, tags, buildArgs, file,
                context, multiarch, strategy, jobs, pushByDigest, registry, push, load, noCache, pull, cacheFrom, cacheTo, builder,
                progress, secrets, strict, format.json, dryRun,
                new BuildRequest.Publishing(reproducible, verifyReproducible, provenance, sbom, attest), maxSize));
        Report report = new Report(inv, format.json);
        report.warnings(planned.warnings());
        report.findings(planned.findings());
        Builds.refuseIfBlocked(planned);
        List<String> signWarnings = new ArrayList<>();
        List<Sign> signs = Signatures.forBuild(inv, planned, sign, new Signatures.Flags(signKey, false, null, null, tlog),
                signWarnings);
        report.warnings(signWarnings);
        if (dryRun) {
            List<Command> all = new ArrayList<>(planned.plan().commands());
            all.addAll(signs);
            report.plan(all);
            return ExitCode.OK.code();
        }
        if (verifyReproducible) {
            Builds.Verified v = Builds.verify(inv, planned, report.progressEvents());
            report.verified(v);
            return v.reproducible() ? ExitCode.OK.code() : ExitCode.FAILED.code();
        }
        report.warnings(Builds.checkDisk(inv, planned));
        Builds.Outcome built = Builds.run(inv, planned, report.progressEvents());
        report.build(built);
        if (built.overBudget() != null) {
            throw NssimgException.failed(built.overBudget());
        }
        if (!signs.isEmpty()) {
            report.signed(Signatures.run(inv, signs, built.digest()));
        }
        if (!smoke) {
            return ExitCode.OK.code();
        }
        Smokes.Outcome s = Smokes.afterBuild(inv, planned, built.digest(), smokeTimeout, requireGpu);
        report.smoke(s, null);
        return s.exitCode().code();
    }
}
