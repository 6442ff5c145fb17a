package dev.nssimg.engine;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import dev.nssimg.error.ExitCode;
import dev.nssimg.error.Lines;
import dev.nssimg.error.NssimgException;
import java.io.IOException;
import java.util.function.Supplier;

/** Engine calls with docker-java's exceptions turned into {@link NssimgException}s of the exit-code table. */
final class Calls {
    private final String host;
    /** How to start the service behind host when it is not docker's (podman's), else null. */
    private final String startHint;

    Calls(String host, String startHint) {
        this.host = host;
        this.startHint = startHint;
    }

    <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (NotFoundException e) {
            throw e;
        } catch (NssimgException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    NssimgException translate(Exception e) {
        if (e instanceof UnauthorizedException) {
            return NssimgException.environment("the registry refused the credentials: " + firstLine(e.getMessage())
                    + " (docker login REGISTRY)");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IOException || root instanceof java.net.SocketException
                || String.valueOf(e.getMessage()).contains("java.io.IOException")) {
            String why = firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
            if (startHint != null) {
                return NssimgException.environment("cannot reach podman's Docker-compatible API at " + host + ": " + why
                        + " (start it: " + startHint + ")");
            }
            return NssimgException.environment("cannot reach the Docker engine at " + host + ": " + why
                    + " (start one with scripts/testbed up, or set DOCKER_HOST)");
        }
        if (e instanceof DockerException de) {
            return new NssimgException(ExitCode.FAILED, "engine error: " + firstLine(de.getMessage()));
        }
        return new NssimgException(ExitCode.FAILED, "engine error: " + firstLine(String.valueOf(e.getMessage())));
    }

    /** The engine's message without its HTTP status and JSON wrapping, first line only. */
    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return Lines.first(s.replaceAll("^Status \\d+: ", "").replaceAll("\\{\"message\":\"(.*)\"\\}\\s*$", "$1"));
    }
}
