package dev.nssimg.lint;

import java.util.EnumMap;
import java.util.Map;

/**
 * The rules of `nssimg check`, each with what it means on each engine. A rule's level on the engine that will build
 * is the finding's severity, except that what breaks another engine is at least a warning.
 */
public enum Rule {
    /** COPY --from=IMAGE:${V} or RUN --mount=...,from=${V}: BuildKit takes the text as is, buildah expands it. */
    FROM_VARIABLE("from-variable", Severity.ERROR, Severity.NOTE),
    /** A build argument used in a stage that does not declare it (nor inherit it from its parent stage): it is empty there. */
    UNDECLARED_ARG("undeclared-arg", Severity.WARNING, Severity.WARNING),
    /** The same in a stage built FROM an outside image, which may set the name as ENV (python sets PYTHON_VERSION). */
    UNDECLARED_ARG_OVER_BASE("undeclared-arg", Severity.NOTE, Severity.NOTE),
    /**
     * A global ARG TARGETARCH (or another platform ARG) before a FROM that uses it: without a default BuildKit expands
     * it empty, with one it freezes every platform to that value.
     */
    GLOBAL_PLATFORM_ARG("global-platform-arg", Severity.ERROR, Severity.NOTE),
    /** A stage's ARG TARGETARCH=VALUE: the default replaces the automatic value in that stage, on every platform. */
    PLATFORM_ARG_DEFAULT("platform-arg-default", Severity.WARNING, Severity.WARNING),
    /** An ARG or ENV named like a secret: its value stays in the image's history or config. */
    SECRET_NAME("secret-name", Severity.WARNING, Severity.WARNING),
    /** A stage that nothing targets, builds FROM or copies from. */
    UNUSED_STAGE("unused-stage", Severity.WARNING, Severity.NOTE),
    /** A --target that names no stage. */
    UNKNOWN_TARGET("unknown-target", Severity.ERROR, Severity.ERROR),
    /** A finding of BuildKit's own build checks (buildx --call check), as BuildKit words it. */
    BUILDKIT_CHECK("buildkit", Severity.WARNING, null);

    private final String id;
    private final Map<Engine, Severity> levels = new EnumMap<>(Engine.class);

    Rule(String id, Severity buildkit, Severity buildah) {
        this.id = id;
        levels.put(Engine.BUILDKIT, buildkit);
        if (buildah != null) {
            levels.put(Engine.BUILDAH, buildah);
        }
    }

    public String id() {
        return id;
    }

    /** The level on that engine, or null when the rule says nothing about it. */
    public Severity on(Engine engine) {
        return levels.get(engine);
    }

    /** The finding's severity when building with that engine. */
    public Severity severityFor(Engine building) {
        Severity own = levels.get(building);
        boolean breaksAnother = levels.entrySet().stream()
                .anyMatch(e -> e.getKey() != building && e.getValue() == Severity.ERROR);
        if (own == null) {
            return breaksAnother ? Severity.WARNING : Severity.NOTE;
        }
        return breaksAnother && own == Severity.NOTE ? Severity.WARNING : own;
    }

    /** "an error for BuildKit (docker buildx), a note for buildah (podman build)" when the engines differ, else "". */
    public String engines() {
        if (levels.values().stream().distinct().count() <= 1 && levels.size() == Engine.values().length) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        levels.forEach((engine, level) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(level == Severity.ERROR ? "an error" : "a " + level.word()).append(" for ").append(engine.label()));
        return sb.toString();
    }
}
