package dev.nssimg.lint;

/** The Dockerfile implementations whose behaviour a rule describes. */
public enum Engine {
    BUILDKIT("BuildKit (docker buildx)"),
    BUILDAH("buildah (podman build)");

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
