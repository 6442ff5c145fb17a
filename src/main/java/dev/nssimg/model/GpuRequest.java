package dev.nssimg.model;

import java.util.List;

/**
 * The GPUs a container asks the engine for. RUNTIME: the NVIDIA runtime's device request (what `docker run
 * --gpus` sends: capability gpu, a count or device ids). CDI: a device request of the engine's cdi driver with
 * fully qualified CDI names (nvidia.com/gpu=all). asked: what the user asked, for messages.
 */
public record GpuRequest(Kind kind, int count, List<String> ids, String asked) {
    public enum Kind { RUNTIME, CDI }

    /** The CDI kind of NVIDIA's GPUs, as nvidia-ctk names it in the specs it writes. */
    public static final String CDI_KIND = "nvidia.com/gpu";

    public GpuRequest {
        ids = List.copyOf(ids);
    }

    /** The NVIDIA runtime's request: count -1 is all; ids, when given, name the devices instead. */
    public static GpuRequest runtime(int count, List<String> ids, String asked) {
        return new GpuRequest(Kind.RUNTIME, count, ids, asked);
    }

    public static GpuRequest cdi(List<String> names, String asked) {
        return new GpuRequest(Kind.CDI, 0, names, asked);
    }
}
