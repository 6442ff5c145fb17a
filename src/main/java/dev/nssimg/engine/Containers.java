package dev.nssimg.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Containers run once and removed, always: smoke checks and `nssimg run`. */
final class Containers {
    private final DockerClient client;
    private final Calls calls;
    private final Cleanup cleanup;
    private final Log log;

    Containers(DockerClient client, Calls calls, Cleanup cleanup, Log log) {
        this.client = client;
        this.calls = calls;
        this.cleanup = cleanup;
        this.log = log;
    }

    /**
     * Creates, starts and waits for a container, then force-removes it, always
     * (also on timeout, errors and Ctrl-C, through {@link Cleanup}).
     */
    RunResult run(RunSpec spec) {
        String name = "nssimg-" + UUID.randomUUID().toString().substring(0, 12);
        HostConfig hc = HostConfig.newHostConfig();
        if (spec.networkNone()) {
            hc.withNetworkMode("none");
        }
        if (spec.hardened()) {
            hc.withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges:true"));
        }
        if (spec.shmSizeBytes() > 0) {
            hc.withShmSize(spec.shmSizeBytes());
        }
        if (spec.ipc() != null) {
            hc.withIpcMode(spec.ipc());
        }
        if (spec.userns() != null) {
            hc.withUsernsMode(spec.userns()); // podman's API takes its own modes here (keep-id:uid=..,gid=..)
        }
        if (!spec.ulimits().isEmpty()) {
            hc.withUlimits(spec.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList());
        }
        List<Bind> binds = new ArrayList<>();
        for (RunSpec.Mount m : spec.mounts()) {
            binds.add(new Bind(m.source(), new Volume(m.target()), m.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        hc.withBinds(binds);
        DeviceRequest gpu = gpuRequest(spec.gpus());
        if (gpu != null) {
            hc.withDeviceRequests(List.of(gpu));
        }
        CreateContainerCmd create = client.createContainerCmd(spec.image())
                .withName(name)
                .withLabels(spec.labels())
                .withCmd(spec.cmd())
                .withEnv(spec.env())
                .withHostConfig(hc)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(spec.interactive())
                .withStdinOpen(spec.interactive())
                .withTty(false);
        if (spec.entrypoint() != null) {
            create.withEntrypoint(spec.entrypoint());
        }
        if (spec.user() != null) {
            create.withUser(spec.user());
        }
        if (spec.workdir() != null) {
            create.withWorkingDir(spec.workdir());
        }
        if (spec.platform() != null) {
            create.withPlatform(spec.platform());
        }
        log.debug(Containers.class, "create container {} from {} (platform {}, cmd {})", name, spec.image(),
                spec.platform(), spec.cmd());
        cleanup.checkNotInterrupted();
        String id = calls.call(() -> {
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                throw NssimgException.failed("image " + spec.image() + " not found on the engine");
            } catch (RuntimeException e) {
                throw gpuRefused(e, spec.gpus());
            }
        });
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        try (AutoCloseable removal = cleanup.register(() -> removeQuietly(id))) {
            Output output = new Output(out, err, spec.out(), spec.err());
            var attach = client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .withLogs(true);
            if (spec.interactive()) {
                attach.withStdIn(System.in);
            }
            calls.call(() -> attach.exec(output));
            output.awaitStarted(10, TimeUnit.SECONDS);
            try {
                calls.call(() -> {
                    client.startContainerCmd(id).exec();
                    return null;
                });
            } catch (NssimgException e) {
                throw ulimitRefused(gpuRefused(e, spec.gpus()), spec.ulimits());
            }
            WaitContainerResultCallback wait = client.waitContainerCmd(id).exec(new WaitContainerResultCallback());
            Integer code;
            try {
                code = spec.timeout() == null ? wait.awaitStatusCode()
                        : wait.awaitStatusCode(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (DockerClientException e) {
                if (String.valueOf(e.getMessage()).contains("timeout") || e.getCause() == null) {
                    removeQuietly(id);
                    output.awaitCompletion(2, TimeUnit.SECONDS);
                    return new RunResult(-1, true, out.toString(), err.toString(), id);
                }
                throw e;
            }
            output.awaitCompletion(10, TimeUnit.SECONDS);
            return new RunResult(code, false, out.toString(), err.toString(), id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NssimgException(ExitCode.INTERRUPTED, "interrupted");
        } catch (NssimgException | DockerException e) {
            throw e instanceof DockerException de ? calls.translate(de) : (NssimgException) e;
        } catch (Exception e) {
            throw calls.translate(e);
        } finally {
            removeQuietly(id);
        }
    }

    /** Force-removes a container and returns when it is gone (also when another caller's removal is under way). */
    void removeQuietly(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("already in progress")) {
                awaitGone(id, Duration.ofSeconds(15));
            } else {
                cleanup.warn("nssimg: could not remove container " + id.substring(0, 12) + ": " + e.getMessage());
            }
        }
    }

    private void awaitGone(String id, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try {
                client.inspectContainerCmd(id).exec();
                Thread.sleep(50);
            } catch (NotFoundException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                return; // the engine cannot tell: nothing more to wait for
            }
        }
        cleanup.warn("nssimg: container " + id.substring(0, 12) + " was still being removed after " + limit.toSeconds() + " s");
    }

    /** The device request of a GPU request; null for none. */
    static DeviceRequest gpuRequest(GpuRequest gpu) {
        if (gpu == null) {
            return null;
        }
        if (gpu.kind() == GpuRequest.Kind.CDI) {
            // What `docker run --device nvidia.com/gpu=all` sends (Docker 25+ with the cdi feature; podman's API).
            return new DeviceRequest().withDriver("cdi").withDeviceIds(gpu.ids());
        }
        DeviceRequest r = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        return gpu.ids().isEmpty() ? r.withCount(gpu.count()) : r.withDeviceIds(gpu.ids());
    }

    /**
     * The engine's refusal of a GPU request (its own words, from a remote engine whose specs nssimg cannot read) as
     * exit 3 with what to do; other errors as they are.
     */
    static RuntimeException gpuRefused(RuntimeException e, GpuRequest gpu) {
        String m = String.valueOf(e.getMessage());
        if (gpu == null) {
            return e;
        }
        String what = gpu.kind() == GpuRequest.Kind.CDI ? String.join(", ", gpu.ids()) : "--gpus " + gpu.asked();
        // The engine's words: could not select device driver "cdi" (quotes JSON-escaped on the way).
        if (m.contains("could not select device driver") && gpu.kind() == GpuRequest.Kind.CDI) {
            return NssimgException.environment("the engine cannot inject CDI devices (" + what + "): its cdi feature is off;"
                    + " enable {\"features\":{\"cdi\":true}} in daemon.json (Docker 25-28.1), or pass --gpus none");
        }
        if (m.contains("could not select device driver")) {
            return NssimgException.environment("the engine has no NVIDIA runtime for " + what
                    + ": install the NVIDIA Container Toolkit on the engine host, or pass --gpus none");
        }
        if (m.contains("unresolvable CDI devices") || m.contains("CDI device")) {
            return NssimgException.environment("the engine knows no CDI device " + what + " (" + Lines.first(m.replaceAll("^Status \\d+: ", ""))
                    + "): run nvidia-ctk cdi generate on the engine host, or pass --gpus none");
        }
        return e;
    }

    /** Linux's RLIMIT_* numbers, as runc's "error setting rlimit type N" names them. */
    private static final List<String> RLIMITS = List.of("cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
            "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime");

    /**
     * The engine refusing a ulimit (the engine host's own hard limit is lower: runc cannot raise it) as one line naming
     * that ulimit, exit 3; other errors as they are.
     */
    static RuntimeException ulimitRefused(RuntimeException e, List<RunSpec.Ulimit> ulimits) {
        String m = String.valueOf(e.getMessage());
        if (ulimits.isEmpty() || !m.contains("rlimit")) {
            return e;
        }
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("rlimit type (\\d+)").matcher(m);
        String name = type.find() && Integer.parseInt(type.group(1)) < RLIMITS.size() ? RLIMITS.get(Integer.parseInt(type.group(1))) : null;
        List<RunSpec.Ulimit> named = ulimits.stream().filter(u -> name == null || u.name().equals(name)).toList();
        String which = String.join(", ", named.stream().map(u -> "--ulimit " + u.name() + "=" + u.soft() + ":" + u.hard()).toList());
        return NssimgException.environment("the engine refused " + (which.isEmpty() ? "a ulimit" : which) + " (" + Lines.first(
                m.replaceAll("^engine error: ", "")).replaceAll(".*(error setting rlimit[^:]*: [^\"\\\\]*).*", "$1")
                + "): the engine host's hard limit is lower; lower the value (profile run.ulimits or --ulimit) or raise the host's limit");
    }

    /** Collects stdout/stderr frames and forwards them as they arrive. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final StringBuilder out;
        private final StringBuilder err;
        private final Writer outSink;
        private final Writer errSink;

        Output(StringBuilder out, StringBuilder err, Writer outSink, Writer errSink) {
            this.out = out;
            this.err = err;
            this.outSink = outSink;
            this.errSink = errSink;
        }

        @Override
        public void onNext(Frame f) {
            String s = new String(f.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
            boolean isErr = f.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR;
            synchronized (this) {
                (isErr ? err : out).append(s);
            }
            Writer w = isErr ? errSink : outSink;
            if (w != null) {
                try {
                    w.write(s);
                    w.flush();
                } catch (IOException e) {
                    // the reader went away; keep collecting
                }
            }
        }
    }
}
