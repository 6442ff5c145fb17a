package dev.nssimg.cli;

import dev.nssimg.app.Doctor;
import dev.nssimg.report.Report;
import dev.nssimg.runtime.Invocation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@picocli.CommandLine.Command(name = "doctor", sortOptions = false,
        description = {"Check that this machine can build, smoke-test and run the images.",
            "Exit 0 when nothing fails (warnings allowed), 3 when anything fails."})
public final class DoctorCommand implements Callable<Integer> {
    private final Invocation inv;

    @Option(names = "--registry", paramLabel = "REGISTRY",
            description = "Also check this registry (reachable, credentials; repeatable). Env: CONTAINER_GPU_REGISTRY.")
    java.util.List<String> registries = new java.util.ArrayList<>();

    @Option(names = "--max-size", paramLabel = "SIZE",
            description = "Judge the engine's free disk against this image size (default: the profile's size-budget).")
    String maxSize;

    @Mixin CommonOptions common;

    @Mixin OutputFormat format;

    public DoctorCommand(Invocation inv) {
        this.inv = inv;
    }

    @Override
    public Integer call() {
        Doctor.Report d = Doctor.run(inv, registries, common.selection(), maxSize);
        new Report(inv, format.json).doctor(d);
        return d.exitCode().code();
    }
}
