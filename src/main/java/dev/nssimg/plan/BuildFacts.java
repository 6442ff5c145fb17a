package dev.nssimg.plan;

import java.nio.file.Path;

/** Facts gathered before planning (by the caller), so that planning stays pure. */
public record BuildFacts(String gitRevision, String created, Path cwd) {}
