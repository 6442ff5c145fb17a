package dev.nssimg.app;

import java.nio.file.Path;

/**
 * Which profiles file (--config, relative to cwd; null: the project's), which profile (null: the defaults alone) and
 * which engine (--engine docker|podman|auto; null: not given, so CONTAINER_CMD, the profile or auto decide).
 */
public record Selection(Path config, String profile, String engine) {
    public Selection(Path config, String profile) {
        this(config, profile, null);
    }

    public Selection withProfile(String name) {
        return new Selection(config, name, engine);
    }
}
