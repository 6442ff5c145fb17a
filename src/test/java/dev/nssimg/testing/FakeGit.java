package dev.nssimg.testing;

import dev.nssimg.runtime.ProcessLauncher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A launcher that answers git's subcommands with canned output (a unit test's work tree: clean or dirty, a branch,
 * tags or none) and refuses every other program, as TestCli's own does. Pure test scaffolding: no process starts.
 */
public final class FakeGit implements ProcessLauncher {
    private final Map<String, String[]> answers = new HashMap<>();

    /** A clean tree on branch at sha, committed at time, HEAD described as describe (null: no tag reachable). */
    public static FakeGit clean(String branch, String sha, long time, String describe) {
        FakeGit g = new FakeGit();
        g.answer("status", "# branch.oid " + sha + "\n# branch.head " + (branch == null ? "(detached)" : branch) + "\n", 0);
        g.answer("show", time + "\n", 0);
        g.answer("describe", describe == null ? "" : describe + "\n", describe == null ? 128 : 0);
        g.answer("rev-parse", "false\n", 0);
        return g;
    }

    /** subcommand answers with stdout and exit code. */
    public FakeGit answer(String subcommand, String stdout, int exit) {
        answers.put(subcommand, new String[] {stdout, Integer.toString(exit)});
        return this;
    }

    @Override
    public Process start(List<String> argv, Map<String, String> env, java.nio.file.Path cwd) throws IOException {
        if (!argv.get(0).equals("git")) {
            throw new IOException("test launcher: no processes in unit tests");
        }
        String sub = argv.stream().filter(answers::containsKey).findFirst()
                .orElseThrow(() -> new IOException("fake git: no answer for " + argv));
        String[] a = answers.get(sub);
        return new Canned(a[0], Integer.parseInt(a[1]));
    }

    private static final class Canned extends Process {
        private final byte[] out;
        private final int exit;

        Canned(String out, int exit) {
            this.out = out.getBytes(StandardCharsets.UTF_8);
            this.exit = exit;
        }

        @Override
        public OutputStream getOutputStream() {
            return new ByteArrayOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(out);
        }

        @Override
        public InputStream getErrorStream() {
            return new ByteArrayInputStream(exit == 0 ? new byte[0] : "fatal: no names found".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int waitFor() {
            return exit;
        }

        @Override
        public boolean waitFor(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }

        @Override
        public int exitValue() {
            return exit;
        }

        @Override
        public void destroy() {}
    }
}
