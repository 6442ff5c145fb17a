package dev.nssimg.plan;

import dev.nssimg.error.NssimgException;
import dev.nssimg.model.RunSpec;
import dev.nssimg.profile.Located;
import dev.nssimg.profile.RunSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How `nssimg run` starts its container, beyond image and command: ipc mode, ulimits and /dev/shm, from a built-in
 * preset, then the profile's `run:` section, then flags. With ipc host the host's /dev/shm applies, so no shm size
 * is passed. Pure.
 */
public final class RunOptions {
    /** NVIDIA's recommendation for PyTorch (NGC containers): --ipc=host --ulimit memlock=-1 --ulimit stack=67108864. */
    public static final String PYTORCH = "pytorch";
    static final Map<String, RunSettings> PRESETS = Map.of(PYTORCH, new RunSettings(null, Located.of("host", "preset pytorch"), null,
            ordered("memlock", Located.of("-1", "preset pytorch"), "stack", Located.of("67108864", "preset pytorch")), Map.of(), List.of()));
    static final Set<String> IPC = Set.of("host", "private", "shareable", "none");
    /** The ulimits Docker knows (its --ulimit names). */
    static final Set<String> ULIMITS = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
            "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(?i)(\\d+)\\s*([bkmg]?)b?");

    /** ipc null: the engine's default; shmSize 0: not passed (shmText: as given, for the docker run line). */
    public record Options(String ipc, List<RunSpec.Ulimit> ulimits, long shmSize, String shmText, List<String> warnings) {
        public Options {
            ulimits = List.copyOf(ulimits);
            warnings = List.copyOf(warnings);
        }
    }

    private RunOptions() {}

    /**
     * profile: the resolved `run:` section. flagPreset, flagIpc, flagShm: null when not given; flagUlimits NAME=SOFT[:HARD].
     * defaultShm: the size a GPU image gets when nothing says one (1g), null for none.
     */
    public static Options resolve(RunSettings profile, String flagPreset, String flagIpc, String flagShm, List<String> flagUlimits,
            String defaultShm) {
        List<String> warnings = new ArrayList<>();
        Located<String> presetName = flagPreset != null ? Located.of(flagPreset, "flag --preset") : profile.preset();
        RunSettings s = profile;
        if (presetName != null) {
            RunSettings preset = PRESETS.get(presetName.value());
            if (preset == null) {
                throw NssimgException.usage(presetName.origin() + ": unknown run preset '" + presetName.value() + "' (known: "
                        + String.join(", ", PRESETS.keySet()) + ")");
            }
            s = preset.under(profile);
        }
        Located<String> ipc = flagIpc != null ? Located.of(flagIpc, "flag --ipc") : s.ipc();
        if (ipc != null && !IPC.contains(ipc.value())) {
            throw NssimgException.usage(ipc.origin() + ": ipc '" + ipc.value() + "' is not one of host, private, shareable, none");
        }
        Map<String, RunSpec.Ulimit> ulimits = new LinkedHashMap<>();
        s.ulimits().forEach((name, v) -> ulimits.put(name, ulimit(name, v.value(), v.origin())));
        for (String f : flagUlimits) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw NssimgException.usage("flag --ulimit: expected NAME=SOFT[:HARD], got '" + f + "'");
            }
            ulimits.put(f.substring(0, eq), ulimit(f.substring(0, eq), f.substring(eq + 1), "flag --ulimit"));
        }
        Located<String> shm = flagShm != null ? Located.of(flagShm, "flag --shm-size") : s.shmSize();
        long size = 0;
        String text = null;
        if (ipc != null && ipc.value().equals("host")) {
            if (shm != null) {
                warnings.add(shm.origin() + ": --shm-size " + shm.value() + " is not passed with ipc host (" + ipc.origin()
                        + "): the container uses the host's /dev/shm");
            }
        } else if (shm != null) {
            size = size(shm.value(), shm.origin());
            text = shm.value();
        } else if (defaultShm != null) {
            size = size(defaultShm, "default");
            text = defaultShm;
        }
        return new Options(ipc == null ? null : ipc.value(), List.copyOf(ulimits.values()), size, text, warnings);
    }

    /** NAME=SOFT[:HARD] as Docker takes it; -1 is unlimited. */
    static RunSpec.Ulimit ulimit(String name, String value, String origin) {
        if (!ULIMITS.contains(name)) {
            throw NssimgException.usage(origin + ": unknown ulimit '" + name + "' (known: " + String.join(", ", ULIMITS.stream().sorted().toList()) + ")");
        }
        String[] p = value.trim().split(":", -1);
        if (p.length > 2 || !p[0].matches("-1|\\d+") || (p.length == 2 && !p[1].matches("-1|\\d+"))) {
            throw NssimgException.usage(origin + ": ulimit " + name + "=" + value + " is not SOFT[:HARD] (numbers, -1 for unlimited)");
        }
        long soft = Long.parseLong(p[0]);
        long hard = p.length == 2 ? Long.parseLong(p[1]) : soft;
        if (hard != -1 && (soft == -1 || soft > hard)) {
            throw NssimgException.usage(origin + ": ulimit " + name + "=" + value + ": the soft limit is above the hard one");
        }
        return new RunSpec.Ulimit(name, soft, hard);
    }

    /** A size such as 1g or 512m, in bytes. */
    public static long size(String s, String origin) {
        java.util.regex.Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw NssimgException.usage(origin + ": '" + s + "' is not a size such as 1g or 512m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    /**
     * The `docker run` line that does what nssimg's run does (--dry-run prints it): GPUs as asked (on an engine without
     * the NVIDIA runtime nssimg sends the same request through CDI), env given as KEY alone stays KEY (docker passes the
     * host's value; it is never printed).
     */
    public static List<String> dockerRun(RunSpec spec, Options o, Gpus.Ask gpu, List<String> envArgs) {
        List<String> a = new ArrayList<>(List.of("docker", "run", "--rm"));
        if (spec.interactive()) {
            a.add("-i");
        }
        spec.labels().forEach((k, v) -> a.addAll(List.of("--label", k + "=" + v)));
        if (spec.platform() != null) {
            a.addAll(List.of("--platform", spec.platform()));
        }
        switch (gpu.kind()) {
            case NONE -> { }
            case CDI -> gpu.ids().forEach(id -> a.addAll(List.of("--device", id)));
            default -> a.addAll(List.of("--gpus", gpu.text()));
        }
        if (o.ipc() != null) {
            a.add("--ipc=" + o.ipc());
        }
        if (spec.userns() != null) {
            a.add("--userns=" + spec.userns());
        }
        if (o.shmSize() > 0) {
            a.add("--shm-size=" + o.shmText());
        }
        o.ulimits().forEach(u -> a.add("--ulimit=" + u.name() + "=" + u.soft() + ":" + u.hard()));
        for (RunSpec.Mount m : spec.mounts()) {
            a.addAll(List.of("-v", m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : "")));
        }
        if (spec.workdir() != null) {
            a.addAll(List.of("-w", spec.workdir()));
        }
        envArgs.forEach(e -> a.addAll(List.of("-e", e)));
        if (spec.entrypoint() != null) {
            a.addAll(List.of("--entrypoint", String.join(" ", spec.entrypoint())));
        }
        a.add(spec.image());
        a.addAll(spec.cmd());
        return a;
    }

    private static Map<String, Located<String>> ordered(String k1, Located<String> v1, String k2, Located<String> v2) {
        Map<String, Located<String>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
