package dev.nssimg.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one seam through which nssimg starts processes (the docker CLI). argv only, never a shell. */
@FunctionalInterface
public interface ProcessLauncher {
    Process start(List<String> argv, Map<String, String> env, Path cwd) throws IOException;

    /**
     * Starts argv with exactly env, in cwd. The program is looked up on env's PATH, not on this JVM's:
     * the JDK searches its own PATH, which in the daemon is the PATH of whoever started the daemon.
     */
    static ProcessLauncher system() {
        return (argv, env, cwd) -> {
            List<String> resolved = new ArrayList<>(argv);
            resolved.set(0, which(argv.get(0), env.get("PATH"), cwd));
            ProcessBuilder pb = new ProcessBuilder(resolved).directory(cwd.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
            return pb.start();
        };
    }

    /** program's path on PATH (relative entries against cwd); program itself when it has a slash. */
    static String which(String program, String path, Path cwd) throws IOException {
        if (program.contains("/")) {
            return program;
        }
        if (path == null) {
            path = "/usr/local/bin:/usr/bin:/bin"; // what execvp assumes without a PATH
        }
        for (String dir : path.split(File.pathSeparator, -1)) {
            Path candidate = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException(program + ": not found on PATH");
    }
}
