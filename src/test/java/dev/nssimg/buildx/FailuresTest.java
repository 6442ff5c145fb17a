package dev.nssimg.buildx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nssimg.error.ExitCode;
import org.junit.jupiter.api.Test;

/** Which docker CLI failures blame the environment (exit 3) and which the build (exit 1). */
class FailuresTest {
    private static ExitCode of(String why) {
        return Failures.classified("push failed: " + why, why).exitCode();
    }

    @Test
    void aRegistryThatDoesNotAnswerIsTheEnvironments() {
        assertEquals(ExitCode.ENVIRONMENT, of("failed to do request: Head \"https://127.0.0.1:5998/v2/x/manifests/latest\": "
                + "net/http: TLS handshake timeout"));
        assertEquals(ExitCode.ENVIRONMENT, of("Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused"));
        assertEquals(ExitCode.ENVIRONMENT, of("Get \"https://r/v2/\": net/http: timeout awaiting response headers"));
        assertEquals(ExitCode.ENVIRONMENT, of("Get \"https://r/v2/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"));
    }

    @Test
    void aRefusalOrAFailedStepIsTheBuilds() {
        assertEquals(ExitCode.FAILED, of("unexpected status from HEAD request to https://r/v2/x/manifests/1: 401 Unauthorized"));
        assertEquals(ExitCode.FAILED, of("process \"/bin/sh -c make\" did not complete successfully: exit code: 2"));
    }
}
