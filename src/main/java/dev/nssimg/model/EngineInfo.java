package dev.nssimg.model;

import java.util.List;

/** What `doctor` reports about the engine. */
public record EngineInfo(String host, String serverVersion, String apiVersion, String os, String arch,
        boolean containerdSnapshotter, List<String> runtimes, String rootDir) {
    public EngineInfo {
        runtimes = List.copyOf(runtimes);
    }
}
