package dev.nssimg.workspace;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.error.NssimgException;
import dev.nssimg.profile.ProfilesFile;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/** Where the project is on disk and the facts read from it (profiles file, git revision, build time). */
public record Project(Path root, Path cwd) {
    public static final String PROFILES = "containers/profiles.yaml";

    /**
     * The project of cwd: the nearest ancestor that holds containers/profiles.yaml or is the root of a git work
     * tree (a profiles file above the repository is not its own), else cwd itself. Every command works the same
     * from any subdirectory.
     */
    public static Project discover(Path cwd) {
        Path abs = cwd.toAbsolutePath().normalize();
        // Up to the git work tree's root at most: a profiles file above the repository is not the repository's.
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(PROFILES)) || Files.exists(p.resolve(".git"))) {
                return new Project(p, abs);
            }
        }
        return new Project(abs, abs);
    }

    /**
     * Where nssimg keeps what it writes for this project (buildx's metadata files and their locks): the user's
     * cache directory ($XDG_CACHE_HOME, else ~/.cache), under nssimg/projects/NAME-HASH of the root. Never the
     * work tree: a user's git status stays clean.
     */
    public Path stateDir(Map<String, String> env) {
        return userDir(env, "XDG_CACHE_HOME", ".cache").resolve("nssimg").resolve("projects").resolve(key());
    }

    /**
     * The profiles file of this project that lives outside its tree, in the user's configuration directory
     * ($XDG_CONFIG_HOME, else ~/.config, under nssimg/projects/NAME-HASH/profiles.yaml): where nssimg init writes,
     * read when the tree has no containers/profiles.yaml, so a user's checkout needs no file of nssimg's.
     */
    public Path userProfiles(Map<String, String> env) {
        return userDir(env, "XDG_CONFIG_HOME", ".config").resolve("nssimg").resolve("projects").resolve(key()).resolve("profiles.yaml");
    }

    /** The user's profiles file when it exists; none when there is no home to look in (nothing then to read). */
    private Optional<Path> existingUserProfiles(Map<String, String> env) {
        try {
            Path p = userProfiles(env);
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (NssimgException e) {
            return Optional.empty();
        }
    }

    private String key() {
        String name = root.getFileName() == null ? "root" : root.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return name + "-" + hash(root.toString());
    }

    /** $VARIABLE if it is an absolute path (the XDG rule), else HOME/fallback. */
    private static Path userDir(Map<String, String> env, String variable, String fallback) {
        Path dir = absolute(env.get(variable));
        if (dir != null) {
            return dir;
        }
        Path home = absolute(env.get("HOME"));
        home = home != null ? home : absolute(System.getProperty("user.home"));
        if (home == null) {
            throw NssimgException.usage("env HOME: not an absolute directory, so nssimg has nowhere to keep"
                    + " its files outside the work tree; set " + variable + " (or HOME) to one");
        }
        return home.resolve(fallback);
    }

    /** The value as an absolute path (the XDG rule: a relative one is ignored); null when it is not one. */
    private static Path absolute(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path p = Path.of(value);
        return p.isAbsolute() ? p : null;
    }

    /** A short, stable name for a root path (CRC-32: cheap to start, and the root's own name goes beside it). */
    private static String hash(String s) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /** The profiles file a command without --config reads, as shown to the user; "(none: built-in defaults)" without one. */
    public String profilesFileName(Map<String, String> env) {
        Path p = root.resolve(PROFILES);
        if (Files.isRegularFile(p)) {
            return display(p);
        }
        return existingUserProfiles(env).map(u -> u + " (the user's, for this project)").orElse("(none: built-in defaults)");
    }

    /**
     * --config if given (relative to cwd), else the tree's containers/profiles.yaml, else the user's profiles file
     * for this project (nssimg init), else built-in defaults only.
     */
    public ProfilesFile profiles(Path config, Map<String, String> env) {
        if (config != null) {
            Path p = cwd.resolve(config).normalize();
            return ProfilesFile.load(p, config.toString());
        }
        Path p = root.resolve(PROFILES);
        if (Files.isRegularFile(p)) {
            return ProfilesFile.load(p, display(p));
        }
        Optional<Path> user = existingUserProfiles(env);
        if (user.isPresent()) {
            return ProfilesFile.load(user.get(), user.get().toString());
        }
        return ProfilesFile.parse(new StringReader(""), "(built-in defaults)");
    }

    public DockerfileInfo dockerfile(Path file) {
        return DockerfileInfo.read(file, display(file));
    }

    public String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (abs.equals(cwd)) {
            return ".";
        }
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    /** HEAD's commit of the git work tree holding dir, read from .git without running git; empty if none. */
    public static Optional<String> gitRevision(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            Path git = p.resolve(".git");
            try {
                if (Files.isRegularFile(git)) { // worktree or submodule: "gitdir: PATH"
                    String line = Files.readString(git).trim();
                    if (!line.startsWith("gitdir:")) {
                        return Optional.empty();
                    }
                    git = p.resolve(line.substring(7).trim()).normalize();
                }
                if (Files.isDirectory(git)) {
                    return resolveHead(git);
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<String> resolveHead(Path git) throws IOException {
        Path headFile = git.resolve("HEAD");
        if (!Files.isRegularFile(headFile)) {
            return Optional.empty();
        }
        String head = Files.readString(headFile).trim();
        if (!head.startsWith("ref:")) {
            return head.matches("[0-9a-f]{40}") ? Optional.of(head) : Optional.empty();
        }
        String ref = head.substring(4).trim();
        Path common = git;
        Path commondir = git.resolve("commondir");
        if (Files.isRegularFile(commondir)) {
            common = git.resolve(Files.readString(commondir).trim()).normalize();
        }
        for (Path base : new Path[] {git, common}) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Optional.of(Files.readString(loose).trim());
            }
            Path packed = base.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed)) {
                    if (line.endsWith(" " + ref) && line.length() > 41) {
                        return Optional.of(line.substring(0, 40));
                    }
                }
            }
        }
        return Optional.empty(); // unborn branch
    }

    /** Build time for org.opencontainers.image.created; SOURCE_DATE_EPOCH wins for reproducible builds. */
    public static String created(Map<String, String> env, Instant now) {
        String epoch = env.get("SOURCE_DATE_EPOCH");
        if (epoch != null && !epoch.isBlank()) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch.trim())).toString();
            } catch (NumberFormatException e) {
                throw NssimgException.usage("env SOURCE_DATE_EPOCH: '" + epoch + "' is not a number of seconds");
            }
        }
        return now.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
