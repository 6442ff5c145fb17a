package dev.nssimg.profile;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One of the repository's own checks of its image (a profile's {@code tests:}), as written and validated: its name,
 * where it is written, the platforms and stages it is limited to (empty: all), and what it probes.
 */
public record ImageTest(String name, String origin, List<String> platforms, List<String> stages, Probe probe) {
    public ImageTest {
        platforms = List.copyOf(platforms);
        stages = List.copyOf(stages);
    }

    /** What a check looks at. */
    public sealed interface Probe permits Command, FileProbe, Env, Label, User, Entrypoint, Workdir, Exposed {}

    /**
     * argv run in a throw-away container in place of the entrypoint (viaEntrypoint: as the entrypoint's arguments),
     * its exit code and output patterns (null: not checked), its bound, with the GPU flags run uses (gpu), with a
     * network (network; none by default).
     */
    public record Command(List<String> argv, boolean viaEntrypoint, int exit, Pattern stdout, Pattern stderr, long timeoutSeconds,
            boolean gpu, boolean network) implements Probe {
        public Command {
            argv = List.copyOf(argv);
        }
    }

    /** A path in the image: there or not (exists), its permission bits (mode, octal), owner (uid:gid or names), content. */
    public record FileProbe(String path, boolean exists, Integer mode, String owner, Pattern content) implements Probe {}

    /** An environment variable of the image's config: set, and its value matching (value null: set at all). */
    public record Env(String variable, Pattern value) implements Probe {}

    /** A label of the image: present, and its value matching (value null: present at all). */
    public record Label(String key, Pattern value) implements Probe {}

    /** The user the image runs as, compared by resolved uid and gid ("appuser", "1000", "1000:1000", "appuser:appgroup"). */
    public record User(String user) implements Probe {}

    public record Entrypoint(List<String> argv) implements Probe {
        public Entrypoint {
            argv = List.copyOf(argv);
        }
    }

    public record Workdir(String path) implements Probe {}

    /** Ports the image exposes ("8000/tcp"; a bare number means tcp). */
    public record Exposed(List<String> ports) implements Probe {
        public Exposed {
            ports = List.copyOf(ports);
        }
    }
}
