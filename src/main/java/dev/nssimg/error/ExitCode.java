package dev.nssimg.error;

/** The one table of nssimg's exit codes: --help lists it from here, and the README shows the same table. */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the build, a smoke check, a signature or the container failed (run returns the container's own code)"),
    USAGE(2, "usage or configuration error: a flag, profile, environment variable, Dockerfile or image reference;"
            + " a one-line message names it"),
    ENVIRONMENT(3, "environment error: engine, buildx or registry unreachable or unsuitable, or the nssimg daemon ended"
            + " in the middle of the command"),
    INTERRUPTED(130, "interrupted (Ctrl-C): buildx children stopped, containers removed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
