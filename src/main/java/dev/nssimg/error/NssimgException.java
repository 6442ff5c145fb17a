package dev.nssimg.error;

/**
 * A failure with a one-line message for the user and the exit code it maps to.
 * Core packages throw it; only the CLI turns it into output.
 */
public class NssimgException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    public NssimgException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public NssimgException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static NssimgException usage(String message) {
        return new NssimgException(ExitCode.USAGE, message);
    }

    public static NssimgException environment(String message) {
        return new NssimgException(ExitCode.ENVIRONMENT, message);
    }

    public static NssimgException failed(String message) {
        return new NssimgException(ExitCode.FAILED, message);
    }
}
