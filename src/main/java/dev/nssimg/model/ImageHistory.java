package dev.nssimg.model;

import java.util.List;

/**
 * An image's layers as the engine (or a registry) knows them: its id, total size, the diff IDs of its root
 * filesystem (bottom first) and its history, oldest first (every instruction, also those that made no layer: they
 * have size 0).
 */
public record ImageHistory(String id, long size, List<String> diffIds, List<Entry> entries, List<Long> layerSizes) {
    /**
     * layerSizes: each diff ID's bytes where the source gives them per layer (a registry's manifest: compressed),
     * else empty (the engine's history gives them per entry).
     */
    public ImageHistory {
        diffIds = List.copyOf(diffIds);
        entries = List.copyOf(entries);
        layerSizes = List.copyOf(layerSizes);
    }

    public ImageHistory(String id, long size, List<String> diffIds, List<Entry> entries) {
        this(id, size, diffIds, entries, List.of());
    }

    /** One history entry: what made it (BuildKit's text, e.g. "COPY /opt/venv /opt/venv # buildkit") and its bytes. */
    public record Entry(String createdBy, long size) {}
}
