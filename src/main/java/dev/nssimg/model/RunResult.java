package dev.nssimg.model;

/** How a container ended. exitCode is -1 when it timed out (it was killed and removed). */
public record RunResult(int exitCode, boolean timedOut, String stdout, String stderr, String containerId) {}
