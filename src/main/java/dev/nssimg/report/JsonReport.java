package dev.nssimg.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nssimg.app.Builds;
import dev.nssimg.app.Checks;
import dev.nssimg.app.Doctor;
import dev.nssimg.app.Inspect;
import dev.nssimg.app.Signatures;
import dev.nssimg.app.Smokes;
import dev.nssimg.buildx.Imagetools;
import dev.nssimg.error.ExitCode;
import dev.nssimg.lint.Finding;
import dev.nssimg.model.ImageFacts;
import dev.nssimg.plan.Command;
import dev.nssimg.plan.Layers;
import dev.nssimg.smoke.Check;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The --json documents of {@link Report}, one line each. A class of its own, so that text output never
 * loads Jackson's tree model.
 */
final class JsonReport {
    private JsonReport() {}

    static String plan(List<? extends Command> commands) {
        ObjectNode doc = Json.document(Json.Schema.PLAN);
        ArrayNode list = doc.putArray("commands");
        for (Command c : commands) {
            ObjectNode o = list.addObject();
            o.set("argv", Json.strings(c.argv()));
            o.set("env", Json.strings(c.env()));
        }
        return Json.line(doc);
    }

    /** A progress event: its strings and booleans in order, then the platform (null: one platform, no key). */
    static String event(Map<String, Object> event, String platform) {
        ObjectNode doc = Json.document(Json.Schema.BUILD_EVENT);
        event.forEach((k, v) -> {
            if (v instanceof Boolean b) {
                doc.put(k, b);
            } else {
                doc.put(k, String.valueOf(v));
            }
        });
        if (platform != null) {
            doc.put("platform", platform);
        }
        return Json.line(doc);
    }

    static String verified(Builds.Verified v) {
        ObjectNode doc = Json.document(Json.Schema.VERIFY);
        doc.put("reproducible", v.reproducible());
        doc.put("durationMs", v.duration().toMillis());
        ArrayNode list = doc.putArray("platforms");
        for (Builds.Compared c : v.platforms()) {
            ObjectNode o = list.addObject();
            o.put("platform", c.platform());
            o.put("same", c.same());
            o.put("first", c.first());
            o.put("second", c.second());
            o.set("differences", Json.strings(c.differences()));
        }
        return Json.line(doc);
    }

    static String signed(Signatures.Outcome o) {
        ObjectNode doc = Json.document(Json.Schema.SIGNATURES);
        doc.put("action", "sign");
        doc.put("digest", o.digest());
        ArrayNode list = doc.putArray("signed");
        o.signed().forEach(s -> list.addObject().put("repository", s.repository()).put("digest", s.digest())
                .set("argv", Json.strings(s.argv())));
        ArrayNode verify = doc.putArray("verify");
        o.verifyCommands().forEach(v -> verify.add(Json.strings(v)));
        return Json.line(doc);
    }

    static String verifiedSignatures(Signatures.Verified v) {
        ObjectNode doc = Json.document(Json.Schema.SIGNATURES);
        doc.put("action", "verify");
        doc.put("ref", v.ref());
        doc.put("digest", v.digest());
        doc.put("verified", v.ok());
        ArrayNode list = doc.putArray("manifests");
        for (Signatures.Checked c : v.manifests()) {
            ObjectNode o = list.addObject();
            o.put("what", c.what());
            o.put("digest", c.digest());
            o.put("verified", c.ok());
            if (c.failure() != null) {
                o.put("failure", c.failure());
            }
        }
        return Json.line(doc);
    }

    static String build(Builds.Outcome b) {
        ObjectNode doc = Json.document(Json.Schema.BUILD_EVENT);
        doc.put("event", "result");
        doc.set("tags", Json.strings(b.tags()));
        doc.put("digest", b.digest());
        doc.set("platforms", Json.strings(b.platforms()));
        doc.put("strategy", b.strategy().name().toLowerCase(Locale.ROOT));
        doc.put("pushed", b.pushed());
        doc.put("size", b.size());
        doc.put("durationMs", b.duration().toMillis());
        doc.put("steps", b.steps());
        doc.put("cachedSteps", b.cachedSteps());
        if (b.layers() != null) {
            layers(doc.putObject("layers"), b.layers());
        }
        if (!b.pushedLayers().isEmpty()) {
            ArrayNode pushed = doc.putArray("pushedLayers");
            b.pushedLayers().forEach((platform, r) -> {
                ObjectNode l = pushed.addObject().put("platform", platform).put("compressedBytes", r.imageBytes());
                layers(l, r);
            });
        }
        if (b.budget() != null) {
            String measured = b.budgetMeasured(); // over is null when nothing was
            ObjectNode sb = doc.putObject("sizeBudget").put("bytes", b.budget().bytes()).put("origin", b.budget().origin())
                    .put("measured", measured);
            if (measured == null) {
                sb.putNull("over");
            } else {
                sb.put("over", b.overBudget() != null);
            }
        }
        return Json.line(doc);
    }

    /** previousImage: the image id (loaded) or the platform manifest's digest (pushed) the tag held before. */
    private static void layers(ObjectNode l, Layers.Report r) {
        l.put("count", r.layers().size());
        l.put("previousImage", r.previousId());
        if (r.added() != null) {
            l.put("addedBytes", r.addedBytes());
            layerList(l.putArray("added"), r.added());
        }
        layerList(l.putArray("largest"), r.largest(3));
    }

    private static void layerList(ArrayNode list, List<Layers.Layer> layers) {
        for (Layers.Layer x : layers) {
            list.addObject().put("diffId", x.diffId()).put("bytes", x.bytes()).put("source", x.source())
                    .put("instruction", x.instruction());
        }
    }

    static String smoke(Smokes.Outcome s) {
        ObjectNode doc = Json.document(Json.Schema.SMOKE);
        doc.put("image", s.image());
        doc.put("passed", s.passed());
        doc.put("size", s.layers() == null ? -1 : s.layers().imageBytes());
        ArrayNode largest = doc.putArray("largest");
        if (s.layers() != null) {
            for (Layers.Layer l : s.layers().largest(3)) {
                largest.addObject().put("bytes", l.bytes()).put("source", l.source()).put("instruction", l.instruction());
            }
        }
        ArrayNode list = doc.putArray("checks");
        for (Check c : s.checks()) {
            list.addObject().put("platform", c.platform()).put("check", c.name()).put("ok", c.ok()).put("warning", c.warning())
                    .put("ran", c.ran()).put("detail", c.detail());
        }
        return Json.line(doc);
    }

    static String check(Checks.Outcome c) {
        ObjectNode doc = Json.document(Json.Schema.CHECK);
        doc.put("dockerfile", c.dockerfile());
        doc.put("passed", c.exitCode() == ExitCode.OK);
        doc.put("buildkit", c.buildkit());
        ArrayNode list = doc.putArray("findings");
        for (Finding f : c.findings()) {
            list.addObject().put("file", f.file()).put("line", f.line()).put("rule", f.rule()).put("severity", f.severity().word())
                    .put("message", f.message());
        }
        return Json.line(doc);
    }

    static String doctor(Doctor.Report d) {
        ObjectNode doc = Json.document(Json.Schema.DOCTOR);
        ArrayNode list = doc.putArray("checks");
        for (Doctor.Row r : d.rows()) {
            list.addObject().put("check", r.check()).put("status", r.status().word()).put("detail", r.detail()).put("hint", r.hint());
        }
        return Json.line(doc);
    }

    static String image(ImageFacts f) {
        ObjectNode doc = Json.document(Json.Schema.IMAGE);
        doc.put("ref", f.ref()).put("id", f.id()).put("platform", f.platform()).put("size", f.size()).put("user", f.user());
        doc.set("entrypoint", Json.strings(f.entrypoint()));
        doc.set("cmd", Json.strings(f.cmd()));
        doc.set("env", Json.strings(f.env()));
        doc.set("labels", Json.strings(f.labels()));
        return Json.line(doc);
    }

    static String index(Imagetools.Index idx) {
        ObjectNode doc = Json.document(Json.Schema.INDEX);
        doc.put("ref", idx.ref()).put("digest", idx.digest()).put("mediaType", idx.mediaType());
        doc.set("annotations", Json.strings(idx.annotations()));
        ArrayNode list = doc.putArray("platforms");
        for (Imagetools.Platform p : idx.platforms()) {
            ObjectNode o = list.addObject().put("platform", p.platform()).put("digest", p.digest());
            o.set("buildArgs", Json.strings(Inspect.buildArgs(p.facts().labels())));
            o.put("user", p.facts().user());
            o.set("labels", Json.strings(p.facts().labels()));
            o.set("annotations", Json.strings(p.annotations()));
            ArrayNode atts = o.putArray("attestations");
            for (Imagetools.Attestation a : p.attestations()) {
                atts.addObject().put("digest", a.digest()).set("predicateTypes", Json.strings(a.predicateTypes()));
            }
        }
        return Json.line(doc);
    }
}
