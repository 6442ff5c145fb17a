package dev.nssimg.testing;

import dev.nssimg.cli.Cli;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.runtime.ProcessLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the CLI in-process exactly as Main does (same factory), with captured
 * output. Its launcher only records: any attempt to start a process is
 * remembered and refused, so tests can assert that nothing was spawned.
 * The engine factory refuses too: pure paths must never reach for the engine.
 */
public final class TestCli {
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();

    public record Result(int exit, String out, String err, List<List<String>> spawned, int engineRequests) {
        public String errLine() {
            return err.strip();
        }
    }

    /**
     * CONTAINER_CMD=docker unless a test says otherwise (unset): which engine "auto" finds depends on the machine,
     * and the golden argv of these tests are buildx's.
     */
    private final Map<String, String> env = new HashMap<>(Map.of("CONTAINER_CMD", "docker"));
    /**
     * The spec checkout (SpecCheckout) unless a test says otherwise: planning a build of the reference Dockerfile needs
     * the source tree it copies, which nssimg's own repository does not have.
     */
    private Path cwd = SpecCheckout.DIR;
    private ProcessLauncher answers;

    /** Processes go to this launcher (recorded too): a FakeGit answers git's questions. */
    public TestCli launcher(ProcessLauncher l) {
        answers = l;
        return this;
    }

    public TestCli env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public TestCli unset(String k) {
        env.remove(k);
        return this;
    }

    public TestCli cwd(Path p) {
        cwd = p;
        return this;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<List<String>> spawned = new ArrayList<>();
        int[] engine = {0};
        ProcessLauncher launcher = (argv, e, dir) -> {
            spawned.add(List.copyOf(argv));
            if (answers != null) {
                return answers.start(argv, e, dir);
            }
            throw new java.io.IOException("test launcher: no processes in unit tests");
        };
        Invocation ctx = new Invocation(Map.copyOf(env), cwd, new PrintWriter(out, true), new PrintWriter(err, true), launcher,
                e -> {
                    engine[0]++;
                    throw dev.nssimg.error.NssimgException.environment("test: no engine in unit tests");
                });
        int code = Cli.execute(ctx, args);
        return new Result(code, out.toString(), err.toString(), spawned, engine[0]);
    }
}
