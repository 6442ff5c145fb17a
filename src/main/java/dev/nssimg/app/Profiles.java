package dev.nssimg.app;

import dev.nssimg.profile.Located;
import dev.nssimg.profile.Overrides;
import dev.nssimg.profile.ProfileSpec;
import dev.nssimg.profile.ProfilesFile;
import dev.nssimg.profile.Resolved;
import dev.nssimg.workspace.Project;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** `nssimg profiles [show NAME]`: the profiles of the file, and every resolved value with its origin. */
public final class Profiles {
    private Profiles() {}

    /** One profile of the list: name, description (may be empty) and the profile it extends (null: none). */
    public record Entry(String name, String description, String extendsName) {}

    public record Listing(String file, List<Entry> profiles) {
        public Listing {
            profiles = List.copyOf(profiles);
        }
    }

    /** One resolved value: its key (args.X, args[PLATFORM].X for per-platform differences), value and origin. */
    public record Value(String key, String value, String origin) {}

    public record Shown(String profile, List<Value> values) {
        public Shown {
            values = List.copyOf(values);
        }
    }

    public static Listing list(Invocation inv, Selection sel) {
        ProfilesFile file = Project.discover(inv.cwd()).profiles(sel.config());
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, ProfileSpec> e : file.profiles().entrySet()) {
            ProfileSpec p = e.getValue();
            entries.add(new Entry(e.getKey(), p.description() == null ? "" : p.description(),
                    p.extendsName() == null ? null : p.extendsName().value()));
        }
        return new Listing(file.file(), entries);
    }

    public static Shown show(Invocation inv, Selection sel) {
        Inputs in = Inputs.load(inv, sel, Overrides.NONE);
        Resolved r = in.resolved();
        Project project = in.project();
        List<Value> rows = new ArrayList<>();
        add(rows, "platform", r.platform());
        add(rows, "platforms", Located.of(String.join(",", r.platforms().value()), r.platforms().origin()));
        add(rows, "dockerfile", Located.of(project.display(r.dockerfile().value()), r.dockerfile().origin()));
        add(rows, "context", Located.of(project.display(r.context().value()), r.context().origin()));
        r.contexts().forEach((k, v) -> add(rows, "contexts." + k, Located.of(project.display(v.value()), v.origin())));
        add(rows, "image", r.image());
        add(rows, "image-dev", r.imageDev());
        add(rows, "registry", r.registry());
        if (r.builder() != null) {
            add(rows, "builder", r.builder());
        }
        r.platformBuilders().forEach((k, v) -> add(rows, "platform-builders." + k, v));
        if (r.cacheFrom() != null) {
            add(rows, "cache-from", r.cacheFrom());
        }
        if (r.cacheTo() != null) {
            add(rows, "cache-to", r.cacheTo());
        }
        Map<String, Located<String>> base = r.argsFor(r.platform().value());
        new TreeMap<>(base).forEach((k, v) -> add(rows, "args." + k, v));
        for (String p : r.platforms().value()) {
            if (!p.equals(r.platform().value())) {
                new TreeMap<>(r.argsFor(p)).forEach((k, v) -> {
                    if (!v.equals(base.get(k))) {
                        add(rows, "args[" + p + "]." + k, v);
                    }
                });
            }
        }
        return new Shown(r.profile(), rows);
    }

    private static void add(List<Value> rows, String key, Located<String> v) {
        rows.add(new Value(key, v.value(), v.origin()));
    }
}
