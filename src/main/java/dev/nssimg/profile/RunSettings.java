package dev.nssimg.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A profile's `run:` section: how `nssimg run` starts the container. preset names a built-in set (pytorch:
 * NVIDIA's recommended ipc and ulimits) that the section's own keys and then flags override; ulimits are
 * NAME: SOFT[:HARD]; env KEY: VALUE; mounts SRC:DST[:ro]. Every field is optional (null or empty: inherit).
 */
public record RunSettings(Located<String> preset, Located<String> ipc, Located<String> shmSize,
        Map<String, Located<String>> ulimits, Map<String, Located<String>> env, List<Located<String>> mounts) {
    public static final RunSettings EMPTY = new RunSettings(null, null, null, Map.of(), Map.of(), List.of());

    public RunSettings {
        ulimits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ulimits));
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
    }

    /** This layer with higher's values on top: its scalars win, maps merge by key, mounts add up. */
    public RunSettings under(RunSettings higher) {
        Map<String, Located<String>> u = new LinkedHashMap<>(ulimits);
        u.putAll(higher.ulimits());
        Map<String, Located<String>> e = new LinkedHashMap<>(env);
        e.putAll(higher.env());
        List<Located<String>> m = new ArrayList<>(mounts);
        m.addAll(higher.mounts());
        return new RunSettings(higher.preset() != null ? higher.preset() : preset, higher.ipc() != null ? higher.ipc() : ipc,
                higher.shmSize() != null ? higher.shmSize() : shmSize, u, e, m);
    }
}
