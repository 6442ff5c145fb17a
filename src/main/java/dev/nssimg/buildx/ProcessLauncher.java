package dev.nssimg.buildx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The one seam through which nssimg starts processes (the docker CLI). argv only, never a shell. */
@FunctionalInterface
public interface ProcessLauncher {
    Process start(List<String> argv, Map<String, String> env, Path cwd) throws IOException;

    static ProcessLauncher system() {
        return (argv, env, cwd) -> {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
            return pb.start();
        };
    }
}
