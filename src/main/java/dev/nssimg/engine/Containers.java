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
import com.github.dockerjava.api.model.Volume;
import dev.nssimg.error.ExitCode;
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
                if (e.getMessage().contains("could not select device driver")) {
                    throw NssimgException.environment("the engine has no NVIDIA runtime for --gpus " + spec.gpus()
                            + ": install the NVIDIA Container Toolkit on the engine host, or pass --gpus none");
                }
                throw e;
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

    /** The device request of a --gpus value; null for none. Fails with a usage error unless all, none, a count or device=IDS. */
    static DeviceRequest gpuRequest(String gpus) {
        if (gpus == null || gpus.isBlank() || gpus.equals("none")) {
            return null;
        }
        DeviceRequest r = new DeviceRequest().withDriver("").withCapabilities(List.of(List.of("gpu")));
        if (gpus.equals("all")) {
            return r.withCount(-1);
        }
        if (gpus.matches("\\d+")) {
            return r.withCount(Integer.parseInt(gpus));
        }
        if (gpus.startsWith("device=")) {
            return r.withDeviceIds(List.of(gpus.substring("device=".length()).split(",")));
        }
        throw NssimgException.usage("flag --gpus: '" + gpus + "' is not all, none, a count or device=ID[,ID]");
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
