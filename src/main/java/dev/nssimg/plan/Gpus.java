package dev.nssimg.plan;

import dev.nssimg.error.NssimgException;
import dev.nssimg.model.GpuFacts;
import dev.nssimg.model.GpuRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * `run --gpus` and CONTAINER_GPU_FLAG: what was asked, and the request that serves it on a given engine. Pure:
 * the engine's facts and the devices its CDI specs offer are gathered by the caller.
 */
public final class Gpus {
    private Gpus() {}

    /**
     * What the user asked. kind NONE, ALL, COUNT (count), DEVICES (ids as given), or CDI (fully qualified CDI names,
     * from the podman form `--device nvidia.com/gpu=all`, which means a CDI request on every engine).
     */
    public record Ask(Kind kind, int count, List<String> ids, String text) {
        public enum Kind { NONE, ALL, COUNT, DEVICES, CDI }

        public Ask {
            ids = List.copyOf(ids);
        }

        public boolean none() {
            return kind == Kind.NONE;
        }
    }

    /** A --gpus value (all, none, N, device=ID[,ID]); origin names the flag or variable in errors. */
    public static Ask parse(String value, String origin) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty() || v.equals("none")) {
            return new Ask(Ask.Kind.NONE, 0, List.of(), "none");
        }
        if (v.equals("all")) {
            return new Ask(Ask.Kind.ALL, -1, List.of(), v);
        }
        if (v.matches("\\d+") && Integer.parseInt(v) > 0) {
            return new Ask(Ask.Kind.COUNT, Integer.parseInt(v), List.of(), v);
        }
        if (v.startsWith("device=") && v.length() > "device=".length()) {
            List<String> ids = List.of(v.substring("device=".length()).split(","));
            if (ids.stream().allMatch(id -> id.matches("[A-Za-z0-9][A-Za-z0-9._:-]*"))) {
                return new Ask(Ask.Kind.DEVICES, 0, ids, v);
            }
        }
        throw NssimgException.usage(origin + ": '" + value + "' is not all, none, a count or device=ID[,ID]");
    }

    /**
     * CONTAINER_GPU_FLAG holds docker run flags: "--gpus VALUE" (the spec's default, --gpus all), "--device
     * nvidia.com/gpu=NAME" (upstream's podman form; repeatable), or nothing (no GPU). Unset means --gpus all.
     */
    public static Ask fromEnv(String flag) {
        String origin = "env CONTAINER_GPU_FLAG";
        if (flag == null) {
            return parse("all", origin);
        }
        List<String> w = new ArrayList<>();
        for (String s : flag.trim().replace("\"", "").replace("'", "").split("\\s+")) {
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (s.startsWith("--") && eq > 0 && (s.startsWith("--gpus=") || s.startsWith("--device="))) {
                w.add(s.substring(0, eq));
                w.add(s.substring(eq + 1));
            } else {
                w.add(s);
            }
        }
        if (w.isEmpty()) {
            return parse("none", origin);
        }
        if (w.size() == 2 && w.get(0).equals("--gpus")) {
            return parse(w.get(1), origin);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < w.size(); i += 2) {
            if (!w.get(i).equals("--device") || i + 1 >= w.size() || !w.get(i + 1).startsWith(GpuRequest.CDI_KIND + "=")
                    || w.get(i + 1).length() == GpuRequest.CDI_KIND.length() + 1) {
                throw NssimgException.usage(origin + ": '" + flag + "' is not of the form '--gpus VALUE' or '--device "
                        + GpuRequest.CDI_KIND + "=NAME'");
            }
            names.add(w.get(i + 1));
        }
        return new Ask(Ask.Kind.CDI, 0, names, "--device " + String.join(" --device ", names));
    }

    /** The CDI names of an ask: all, 0..N-1, or the ids (already qualified ones kept). */
    public static List<String> cdiNames(Ask ask) {
        return switch (ask.kind()) {
            case NONE -> List.of();
            case ALL -> List.of(GpuRequest.CDI_KIND + "=all");
            case COUNT -> {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < ask.count(); i++) {
                    out.add(GpuRequest.CDI_KIND + "=" + i);
                }
                yield out;
            }
            case DEVICES -> ask.ids().stream().map(id -> id.contains("=") ? id : GpuRequest.CDI_KIND + "=" + id).toList();
            case CDI -> ask.ids();
        };
    }

    /**
     * The request that serves ask on an engine: the NVIDIA runtime when it has one, else CDI when its cdi feature
     * reads specs offering nvidia.com/gpu devices. localDevices: the devices the specs offer, read here for a
     * local engine; null when they cannot be seen (a remote engine: the engine's own answer decides). Exit 3 when
     * the engine has neither, or (local) lacks a device asked for.
     */
    public static GpuRequest choose(Ask ask, GpuFacts engine, Set<String> localDevices) {
        if (ask.none()) {
            return null;
        }
        if (ask.kind() == Ask.Kind.CDI) {
            checkOffered(ask, cdiNames(ask), localDevices, engine);
            return GpuRequest.cdi(cdiNames(ask), ask.text());
        }
        if (engine.nvidiaRuntime()) {
            return GpuRequest.runtime(ask.kind() == Ask.Kind.COUNT ? ask.count() : -1,
                    ask.kind() == Ask.Kind.DEVICES ? ask.ids() : List.of(), ask.text());
        }
        boolean cdiDevices = engine.cdiOn() && (localDevices == null || localDevices.stream().anyMatch(d -> d.startsWith(GpuRequest.CDI_KIND + "=")));
        if (!cdiDevices) {
            String cdi = engine.cdiSpecDirs() == null ? "" : !engine.cdiOn() ? " and its cdi feature is off"
                    : " and its CDI specs (" + String.join(", ", engine.cdiSpecDirs()) + ") offer no " + GpuRequest.CDI_KIND + " devices";
            throw NssimgException.environment("the engine has no NVIDIA runtime for --gpus " + ask.text() + cdi
                    + ": install the NVIDIA Container Toolkit on the engine host (nvidia-ctk cdi generate for CDI), or pass --gpus none");
        }
        checkOffered(ask, cdiNames(ask), localDevices, engine);
        return GpuRequest.cdi(cdiNames(ask), ask.text());
    }

    private static void checkOffered(Ask ask, List<String> names, Set<String> localDevices, GpuFacts engine) {
        if (localDevices == null || !engine.cdiOn()) {
            return; // the engine's answer decides (Containers turns it into exit 3 with a hint)
        }
        for (String n : names) {
            if (!localDevices.contains(n)) {
                throw NssimgException.environment("CDI device " + n + " (for " + ask.text() + ") is not offered by the engine's specs in "
                        + String.join(", ", engine.cdiSpecDirs()) + " (offered: " + (localDevices.isEmpty() ? "none" : String.join(", ", localDevices))
                        + "); regenerate them with nvidia-ctk cdi generate, or pass --gpus none");
            }
        }
    }
}
