package dev.nssimg.plan;

import dev.nssimg.dockerfile.DockerfileInfo;
import dev.nssimg.model.ImageHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an image is made of and what a rebuild cost, for any Dockerfile: each layer with its bytes and the
 * Dockerfile line that made it, the layers that are new against the image the tag held before, and the largest
 * ones. Pure: it reads what the engine reported and what the Dockerfile says.
 */
public final class Layers {
    private Layers() {}

    /**
     * A layer of the image, bottom first; bytes are unpacked for an image in the engine (its history's sizes) and
     * compressed for one read from a registry (its manifest's). source is FILE:LINE of the instruction that made it, or null for the
     * base image's layers and when the history cannot be matched to the Dockerfile (then instruction is the
     * engine's own text).
     */
    public record Layer(String diffId, long bytes, String source, String instruction) {
        /** "FILE:LINE INSTRUCTION", or the engine's text alone. */
        public String describe() {
            String text = instruction.length() > 90 ? instruction.substring(0, 87) + "..." : instruction;
            return source == null ? text : source + " " + text;
        }
    }

    /**
     * The layers of an image; added is the layers the previous image of the tag did not have (null when there was
     * none to compare with), previousId that image's id (null when none).
     */
    public record Report(long imageBytes, List<Layer> layers, List<Layer> added, String previousId) {
        public Report {
            layers = List.copyOf(layers);
            added = added == null ? null : List.copyOf(added);
        }

        public long addedBytes() {
            return added == null ? -1 : added.stream().mapToLong(Layer::bytes).sum();
        }

        /** The n largest layers, largest first. */
        public List<Layer> largest(int n) {
            return layers.stream().sorted(Comparator.comparingLong(Layer::bytes).reversed()).limit(n).toList();
        }
    }

    /**
     * @param previous the image the tag held before the build, or null
     * @param steps    the steps of the built stage (DockerfileInfo.steps), or empty when no Dockerfile says
     * @param file     how to name the Dockerfile in FILE:LINE
     */
    public static Report of(ImageHistory previous, ImageHistory image, List<DockerfileInfo.Step> steps, String file) {
        List<ImageHistory.Entry> entries = image.entries();
        // The history entries of the build's own steps are the last steps.size() ones; everything before them is
        // the base image's. Trust that only when every keyword matches.
        int first = entries.size() - steps.size();
        boolean matched = !steps.isEmpty() && first >= 0;
        for (int i = 0; matched && i < steps.size(); i++) {
            matched = keyword(entries.get(first + i).createdBy()).equals(steps.get(i).keyword());
        }
        // Entries with bytes made a layer (those of ENV, LABEL, ... have none), in the order of the diff IDs.
        List<Integer> layered = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).size() > 0) {
                layered.add(i);
            }
        }
        List<String> ids = image.diffIds();
        List<Layer> layers = new ArrayList<>();
        int offset = layered.size() - ids.size(); // equal counts but for empty layers BuildKit kept; align the tops
        List<Long> sizes = image.layerSizes();
        for (int d = 0; d < ids.size(); d++) {
            int li = d + offset;
            long given = sizes.isEmpty() ? -1 : sizes.get(d); // a registry gives each layer's bytes itself
            if (li < 0) {
                layers.add(new Layer(ids.get(d), Math.max(0, given), null, "(layer without history)"));
                continue;
            }
            int e = layered.get(li);
            ImageHistory.Entry entry = entries.get(e);
            long bytes = given >= 0 ? given : entry.size();
            if (matched && e >= first) {
                DockerfileInfo.Step step = steps.get(e - first);
                layers.add(new Layer(ids.get(d), bytes, file + ":" + step.line(), step.text()));
            } else {
                // "(base image)" only where the build's own steps were matched, which places the boundary; otherwise the
                // history's own words, without a claim of where the layer came from.
                layers.add(new Layer(ids.get(d), bytes, null, engineText(entry.createdBy(), matched && e < first)));
            }
        }
        List<Layer> added = null;
        if (previous != null) {
            Set<String> before = new HashSet<>(previous.diffIds());
            added = layers.stream().filter(l -> !before.contains(l.diffId())).toList();
        }
        // The image's size is its layers' unpacked bytes, as the history gives each layer's: what the image takes on
        // a host's disk once pulled, and what its layer lines add up to. (The engine's own size of an image in the
        // containerd store is the compressed content's.)
        long unpacked = layers.stream().mapToLong(Layer::bytes).sum();
        return new Report(layers.isEmpty() ? image.size() : unpacked, layers, added, previous == null ? null : previous.id());
    }

    /** The message of an image over its budget, naming its largest layers; null when within it. */
    public static String overBudget(String ref, Report r, long budget, String budgetOrigin) {
        if (r.imageBytes() <= budget) {
            return null;
        }
        StringBuilder sb = new StringBuilder("image ").append(ref).append(" is ").append(size(r.imageBytes()))
                .append(", over the size budget of ").append(size(budget)).append(" (").append(budgetOrigin).append("); largest layers: ");
        List<Layer> top = r.largest(3);
        for (int i = 0; i < top.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(size(top.get(i).bytes())).append(" ").append(top.get(i).describe());
        }
        return sb.toString();
    }

    /** Bytes as nssimg prints them: binary units (1 GB = 1024^3 bytes). */
    public static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    private static String keyword(String createdBy) {
        String s = createdBy.strip();
        int sp = s.indexOf(' ');
        return (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    private static String engineText(String createdBy, boolean base) {
        String s = createdBy.replace(" # buildkit", "").strip();
        return base ? "(base image)" + (s.isEmpty() ? "" : " " + s) : s.isEmpty() ? "(no history)" : s;
    }
}
