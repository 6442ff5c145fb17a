package dev.nssimg.engine;

import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A container to run once and remove. {@code entrypoint} null keeps the
 * image's. {@code gpus}: null or "none" for no GPU, "all", a count, or
 * "device=0,1". {@code timeout} null waits as long as the container runs (a job); with one, the
 * container is killed and removed when it runs longer (a smoke test). {@code out}/{@code err}
 * receive the streams as they come. {@code workdir} null keeps the image's.
 */
public record RunSpec(String image, String platform, List<String> entrypoint, List<String> cmd, List<String> env,
        List<Mount> mounts, String user, boolean networkNone, boolean hardened, long shmSizeBytes, String gpus,
        Map<String, String> labels, Duration timeout, boolean interactive, Writer out, Writer err, String workdir) {

    public record Mount(String source, String target, boolean readOnly) {}

    public RunSpec {
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        labels = Map.copyOf(labels);
    }
}
