package dev.nssimg.buildx;

import java.util.Map;

/**
 * Where a build's progress events go with --json, instead of buildx's lines: each event (its strings and
 * booleans, in order) with its platform (null when the run builds one platform). Called from the threads
 * that read the children's output, one event at a time.
 */
@FunctionalInterface
public interface ProgressListener {
    void event(Map<String, Object> event, String platform);
}
