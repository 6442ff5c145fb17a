package dev.nssimg.app;

import java.nio.file.Path;

/** Which profiles file (--config, relative to cwd; null: the project's) and which profile (null: the defaults alone). */
public record Selection(Path config, String profile) {}
