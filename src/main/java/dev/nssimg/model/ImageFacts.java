package dev.nssimg.model;

import java.util.List;
import java.util.Map;

/** The parts of an image's configuration nssimg checks and shows. Plain data, no docker-java types. */
public record ImageFacts(String ref, String id, String platform, long size, Map<String, String> labels, String user,
        List<String> entrypoint, List<String> cmd, List<String> env, List<String> repoDigests, String workdir,
        List<String> exposed) {
    public ImageFacts(String ref, String id, String platform, long size, Map<String, String> labels, String user,
            List<String> entrypoint, List<String> cmd, List<String> env, List<String> repoDigests) {
        this(ref, id, platform, size, labels, user, entrypoint, cmd, env, repoDigests, "", List.of());
    }

    public ImageFacts {
        workdir = workdir == null ? "" : workdir;
        exposed = exposed == null ? List.of() : List.copyOf(exposed);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
        repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
        user = user == null ? "" : user;
    }

    public String envValue(String name) {
        for (String e : env) {
            if (e.startsWith(name + "=")) {
                return e.substring(name.length() + 1);
            }
        }
        return null;
    }
}
