package dev.nssimg.model;

import java.util.List;

/**
 * What the engine says about GPU access: its runtimes, and the directories its cdi feature reads specs from
 * (docker info's CDISpecDirs: empty when the feature is off; null when the engine does not report it, as
 * engines before Docker 25 and podman's Docker-compatible API do). local: the engine runs on this machine
 * (a unix socket), so its spec directories can be read here.
 */
public record GpuFacts(String host, List<String> runtimes, List<String> cdiSpecDirs, boolean local) {
    public GpuFacts {
        runtimes = List.copyOf(runtimes);
        cdiSpecDirs = cdiSpecDirs == null ? null : List.copyOf(cdiSpecDirs);
    }

    public boolean nvidiaRuntime() {
        return runtimes.contains("nvidia");
    }

    public boolean cdiOn() {
        return cdiSpecDirs != null && !cdiSpecDirs.isEmpty();
    }
}
