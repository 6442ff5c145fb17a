package dev.nssimg.workspace;

import dev.nssimg.runtime.Captured;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The facts of a git work tree that only git itself can tell (HEAD's commit time, whether the tree is dirty, the
 * branch, `git describe --tags`), asked through the invocation's one process launcher. Local and read-only: every
 * call passes --no-optional-locks, so not even .git/index is rewritten; nothing reaches the network. A machine
 * without git, or a directory outside a work tree, gives {@link Facts#unavailable}.
 */
public final class Git {
    /** "v1.2.0-3-gabc1234": a describe that is not exactly at a tag. */
    private static final Pattern DESCRIBE_AFTER_TAG = Pattern.compile(".*-\\d+-g[0-9a-f]{4,}$");

    /**
     * What git said. available false: git could not run or dir is in no work tree (why says which); then the other
     * fields are null. branch is null on a detached HEAD; describe is null when no tag is reachable (or it was not
     * asked); exactTag is the tag HEAD is at, if any.
     */
    public record Facts(boolean available, String why, String sha, Long commitTime, boolean dirty, List<String> changes,
            String branch, String describe, String exactTag, boolean shallow) {
        public Facts {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }

        public static Facts unavailable(String why) {
            return new Facts(false, why, null, null, false, List.of(), null, null, null, false);
        }

        public String shortSha() {
            return sha == null ? null : sha.substring(0, Math.min(7, sha.length()));
        }
    }

    private final Captured cli;

    /** cli: short captured commands through the invocation's launcher, environment and directory. */
    public Git(Captured cli) {
        this.cli = cli;
    }

    /** The facts of the work tree holding dir; describe: also run `git describe --tags` (for {version}). */
    public Facts facts(Path dir, boolean describe) {
        Captured.Output status = git(dir, "status", "--porcelain=v2", "--branch", "--untracked-files=normal");
        if (!status.ok()) {
            return Facts.unavailable(status.exit() == 127 ? "git is not installed (" + status.lastErrorLine() + ")"
                    : "git status failed: " + status.lastErrorLine());
        }
        String sha = null;
        String branch = null;
        List<String> changes = new ArrayList<>();
        for (String line : status.stdout().split("\n")) {
            if (line.startsWith("# branch.oid ")) {
                String oid = line.substring("# branch.oid ".length()).trim();
                sha = oid.matches("[0-9a-f]{40,64}") ? oid : null; // "(initial)": no commit yet
            } else if (line.startsWith("# branch.head ")) {
                String head = line.substring("# branch.head ".length()).trim();
                branch = head.equals("(detached)") ? null : head;
            } else if (!line.isBlank() && !line.startsWith("#")) {
                changes.add(path(line));
            }
        }
        if (sha == null) {
            return Facts.unavailable("the repository has no commit yet");
        }
        Long time = null;
        Captured.Output show = git(dir, "show", "-s", "--format=%ct", "HEAD");
        if (show.ok() && show.stdout().trim().matches("\\d+")) {
            time = Long.parseLong(show.stdout().trim());
        }
        String described = null;
        String exact = null;
        boolean shallow = false;
        if (describe) {
            Captured.Output d = git(dir, "describe", "--tags");
            if (d.ok() && !d.stdout().isBlank()) {
                described = d.stdout().trim();
                exact = DESCRIBE_AFTER_TAG.matcher(described).matches() ? null : described;
            } else {
                Captured.Output s = git(dir, "rev-parse", "--is-shallow-repository");
                shallow = s.ok() && s.stdout().trim().equals("true");
            }
        }
        return new Facts(true, null, sha, time, !changes.isEmpty(), changes, branch, described, exact, shallow);
    }

    /** The path a porcelain v2 line names (a rename's "new\told" gives the new one). */
    private static String path(String line) {
        int fields = switch (line.charAt(0)) {
            case '1' -> 9;
            case '2' -> 10;
            case 'u' -> 11;
            default -> 2; // "? path", "! path"
        };
        String[] parts = line.split(" ", fields);
        String last = parts[parts.length - 1];
        int tab = last.indexOf('\t');
        return tab >= 0 ? last.substring(0, tab) : last;
    }

    private Captured.Output git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "--no-optional-locks", "-c", "status.relativePaths=false", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return cli.capture(argv, 30);
    }
}
