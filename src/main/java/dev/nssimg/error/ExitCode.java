package dev.nssimg.error;

/** The one table of nssimg's exit codes. Listed in --help and the README. */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the build, a smoke check or the container failed"),
    USAGE(2, "usage or configuration error (bad flag, profile, Dockerfile or image reference)"),
    ENVIRONMENT(3, "environment error: engine, buildx or registry unreachable or unsuitable"),
    INTERRUPTED(130, "interrupted (SIGINT/SIGTERM); children stopped, containers removed");

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
