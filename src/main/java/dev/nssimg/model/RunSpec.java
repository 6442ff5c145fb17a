package dev.nssimg.model;

import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A container to run once and remove. {@code entrypoint} null keeps the
 * image's. {@code gpus}: null for no GPU, else the runtime's or CDI's request. {@code timeout} null waits as long as the container runs (a job); with one, the
 * container is killed and removed when it runs longer (a smoke test). {@code out}/{@code err}
 * receive the streams as they come. {@code workdir} null keeps the image's. {@code userns}: the user namespace mode
 * (podman's keep-id for a rootless engine), null for the engine's default.
 */
public record RunSpec(String image, String platform, List<String> entrypoint, List<String> cmd, List<String> env,
        List<Mount> mounts, String user, boolean networkNone, boolean hardened, long shmSizeBytes, GpuRequest gpus,
        Map<String, String> labels, Duration timeout, boolean interactive, Writer out, Writer err, String workdir,
        String ipc, List<Ulimit> ulimits, String userns) {

    public RunSpec(String image, String platform, List<String> entrypoint, List<String> cmd, List<String> env,
            List<Mount> mounts, String user, boolean networkNone, boolean hardened, long shmSizeBytes, GpuRequest gpus,
            Map<String, String> labels, Duration timeout, boolean interactive, Writer out, Writer err, String workdir,
            String ipc, List<Ulimit> ulimits) {
        this(image, platform, entrypoint, cmd, env, mounts, user, networkNone, hardened, shmSizeBytes, gpus, labels, timeout,
                interactive, out, err, workdir, ipc, ulimits, null);
    }

    /** The same container in that user namespace mode. */
    public RunSpec withUserns(String mode) {
        return new RunSpec(image, platform, entrypoint, cmd, env, mounts, user, networkNone, hardened, shmSizeBytes, gpus, labels,
                timeout, interactive, out, err, workdir, ipc, ulimits, mode);
    }

    public record Mount(String source, String target, boolean readOnly) {}

    /** A resource limit as Docker's --ulimit NAME=SOFT:HARD; -1 is unlimited. */
    public record Ulimit(String name, long soft, long hard) {}

    /** No ipc mode of its own, no ulimits (a smoke test). */
    public RunSpec(String image, String platform, List<String> entrypoint, List<String> cmd, List<String> env, List<Mount> mounts,
            String user, boolean networkNone, boolean hardened, long shmSizeBytes, GpuRequest gpus, Map<String, String> labels,
            Duration timeout, boolean interactive, Writer out, Writer err, String workdir) {
        this(image, platform, entrypoint, cmd, env, mounts, user, networkNone, hardened, shmSizeBytes, gpus, labels, timeout,
                interactive, out, err, workdir, null, List.of(), null);
    }

    public RunSpec {
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        labels = Map.copyOf(labels);
        ulimits = List.copyOf(ulimits);
    }
}
