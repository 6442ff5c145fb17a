package dev.nssimg.lint;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.dockerfile.Instruction;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * COPY and ADD sources from the build context, checked against the context as BuildKit sends it (its ignore file
 * applied): a source that matches nothing there fails the build ({@code "/THIRD_PARTY.md": not found}, or for a glob
 * {@code lstat .../dist: no such file or directory}). An error in a stage the build reaches, a note in the others
 * (a stage the repository builds on purpose with --target, say).
 */
public final class ContextSources {
    /** Where a build's context comes from: the directory and the ignore file read (null: none). */
    public record Context(Path dir, IgnoreRules ignore) {}

    private ContextSources() {}

    /**
     * The ignore file of a build, as the engine reads it: for BuildKit the Dockerfile's own NAME.dockerignore beside it,
     * else the context's .dockerignore; for podman (buildah) .containerignore first. Null when there is none.
     */
    public static IgnoreRules ignoreFile(Path dockerfile, Path context, boolean podman) throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore"));
        if (podman) {
            candidates.add(context.resolve(".containerignore"));
        }
        candidates.add(context.resolve(".dockerignore"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return IgnoreRules.parse(context.relativize(p).toString().startsWith("..") ? p.toString()
                        : context.relativize(p).toString(), Files.readString(p));
            }
        }
        return null;
    }

    /** The findings for df built at target (null: its default stage) from ctx. */
    public static List<Finding> check(DockerfileInfo df, String target, Context ctx) {
        Set<String> reached = reached(df, target);
        List<Finding> out = new ArrayList<>();
        if (ctx.ignore() != null) {
            for (IgnoreRules.Rule r : ctx.ignore().unread()) {
                out.add(new Finding(ctx.ignore().file(), r.line(), "copy-source", Severity.NOTE, "pattern " + r.text()
                        + " is of a form nssimg does not translate; the COPY source check leaves it out (BuildKit applies it)"));
            }
        }
        for (DockerfileInfo.Stage s : df.stages()) {
            boolean error = reached.contains(s.name().toLowerCase(Locale.ROOT));
            for (Instruction ins : s.instructions()) {
                if (!(ins.keyword().equals("COPY") || ins.keyword().equals("ADD"))) {
                    continue;
                }
                List<String> words = ins.words();
                if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                    continue;
                }
                List<String> args = words.stream().filter(w -> !w.startsWith("--")).toList();
                for (String src : args.subList(0, Math.max(0, args.size() - 1))) {
                    if (src.contains("://") || src.startsWith("git@") || src.contains("$") || src.startsWith("<<")) {
                        continue; // a URL, a variable or a here-document: not the context's
                    }
                    String why = missing(src, ctx);
                    if (why != null) {
                        // Excluded by the ignore file or absent from the context: BuildKit fails the build on it either
                        // way. A stage the build does not reach (a wheel-install stage built after `uv build`) is a note.
                        Severity severity = error ? Severity.ERROR : Severity.NOTE;
                        out.add(new Finding(df.file(), ins.line(), "copy-source", severity,
                                ins.keyword() + " source " + src + " " + why + (!error
                                        ? "; stage " + s.name() + " is not part of this build, whose target does not reach it"
                                        : "; the build fails here")));
                    }
                }
            }
        }
        return out;
    }

    /** Why a source matches nothing the context sends, or null when it matches something. */
    private static String missing(String src, Context ctx) {
        String path = src.replaceFirst("^\\./", "").replaceFirst("^/+", "").replaceFirst("/+$", "");
        if (path.isEmpty() || path.equals(".")) {
            return null;
        }
        if (!path.matches(".*[*?\\[].*")) {
            Path file = ctx.dir().resolve(path);
            if (!Files.exists(file)) {
                return "is not in the context";
            }
            IgnoreRules.Rule rule = ctx.ignore() == null ? null : ctx.ignore().excluding(path);
            if (rule == null || (Files.isDirectory(file) && ctx.ignore().hasExceptions()
                    && under(ctx, path, 16).paths().stream().anyMatch(f -> sent(ctx, f)))) {
                return null; // sent (a directory some of whose files an exception sends counts)
            }
            return "is excluded by " + ctx.ignore().file() + ":" + rule.line() + " (" + rule.text() + ")";
        }
        // A glob: the files under its fixed leading directories that it matches.
        String[] parts = path.split("/");
        StringBuilder fixed = new StringBuilder();
        for (String part : parts) {
            if (part.matches(".*[*?\\[].*")) {
                break;
            }
            fixed.append(fixed.length() == 0 ? "" : "/").append(part);
        }
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + path);
        } catch (IllegalArgumentException e) {
            return null; // a glob nssimg cannot read: BuildKit decides
        }
        // Deep enough for the glob's own elements (all of them under a **), never into what the ignore file drops.
        int depth = path.contains("**") ? 16 : parts.length - (fixed.length() == 0 ? 0 : fixed.toString().split("/").length);
        Walk walk = under(ctx, fixed.toString(), depth);
        List<String> matched = walk.paths().stream().filter(f -> m.matches(Path.of(f))).toList();
        if (matched.stream().anyMatch(f -> sent(ctx, f)) || walk.cut()) {
            return null; // sent, or the walk was cut short: nssimg cannot tell
        }
        if (!matched.isEmpty()) {
            IgnoreRules.Rule r = ctx.ignore().excluding(matched.get(0));
            return "matches only what " + ctx.ignore().file() + ":" + r.line() + " (" + r.text() + ") excludes";
        }
        return "matches nothing in the context";
    }

    private static boolean sent(Context ctx, String rel) {
        return ctx.ignore() == null || ctx.ignore().excluding(rel) == null;
    }

    /** What a walk found, and whether it stopped at its cap before the end. */
    private record Walk(List<String> paths, boolean cut) {}

    private static final int WALK_CAP = 100_000;

    /**
     * The paths under dir (relative to the context, '/'-separated; dir "" is the context) down to depth, .git and the
     * directories the ignore file drops (when no '!' line can send anything back) left out, at most WALK_CAP.
     */
    private static Walk under(Context ctx, String dir, int depth) {
        Path start = ctx.dir().resolve(dir);
        List<String> out = new ArrayList<>();
        boolean[] cut = {false};
        if (!Files.isDirectory(start) || depth < 1) {
            return new Walk(out, false);
        }
        boolean prune = ctx.ignore() != null && !ctx.ignore().hasExceptions();
        try {
            Files.walkFileTree(start, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), depth,
                    new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
                            if (d.equals(start)) {
                                return java.nio.file.FileVisitResult.CONTINUE;
                            }
                            String rel = rel(d);
                            if (rel.equals(".git") || (prune && ctx.ignore().excluding(rel) != null)) {
                                return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                            }
                            return add(rel);
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                            return add(rel(f));
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        private String rel(Path p) {
                            return ctx.dir().relativize(p).toString().replace('\\', '/');
                        }

                        private java.nio.file.FileVisitResult add(String rel) {
                            out.add(rel);
                            if (out.size() >= WALK_CAP) {
                                cut[0] = true;
                                return java.nio.file.FileVisitResult.TERMINATE;
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | RuntimeException e) {
            cut[0] = true; // an unreadable context: the build will say
        }
        return new Walk(out, cut[0]);
    }

    /** The stages a build of target reaches (lowercase names): it, its bases and what they copy or mount from. */
    static Set<String> reached(DockerfileInfo df, String target) {
        DockerfileInfo.Stage start = target == null ? df.stages().get(df.stages().size() - 1)
                : df.stage(target).orElse(df.stages().get(df.stages().size() - 1));
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start.name().toLowerCase(Locale.ROOT)));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!out.add(name)) {
                continue;
            }
            df.stage(name).ifPresent(s -> {
                todo.add(s.base().toLowerCase(Locale.ROOT));
                todo.addAll(Lint.references(s));
            });
        }
        return out;
    }
}
