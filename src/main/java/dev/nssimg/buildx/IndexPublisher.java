package dev.nssimg.buildx;

import dev.nssimg.error.Lines;
import dev.nssimg.plan.Manifest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs `docker buildx imagetools create` with the digests the platforms' builds reported, once more after a
 * registry server error (it is idempotent), and reads the digest of the index it pushed.
 */
final class IndexPublisher {
    private static final Pattern PUSHED_INDEX = Pattern.compile("pushing (sha256:[0-9a-f]{64}) to ");

    private final Children children;
    private final OutputPump pump;
    private final Map<String, String> env;

    IndexPublisher(Children children, OutputPump pump, Map<String, String> env) {
        this.children = children;
        this.pump = pump;
        this.env = env;
    }

    private record Output(int exit, String text) {}

    /** digests: by platform; returns the digest of the index pushed, null if imagetools did not say. */
    String publish(Manifest m, Map<String, String> digests) throws IOException, InterruptedException {
        List<String> argv = m.argv(digests);
        Output o = Failures.retriedOnce(() -> run(argv),
                r -> r.exit() != 0 && Failures.registryServerError(r.text()) ? Lines.last(r.text()) : null,
                why -> pump.tell("nssimg: the registry failed while publishing the tag (" + why + "); trying once more"));
        if (o.exit() != 0) {
            String why = Lines.last(o.text());
            throw Failures.classified("publishing the multi-platform tag failed: " + why, why);
        }
        Matcher found = PUSHED_INDEX.matcher(o.text());
        String digest = null;
        while (found.find()) {
            digest = found.group(1); // the last "pushing" line is the index
        }
        return digest;
    }

    private Output run(List<String> argv) throws IOException, InterruptedException {
        Process p = children.start(argv, env);
        StringBuilder text = new StringBuilder();
        Thread outPump = OutputPump.collect(p.getInputStream(), text);
        Thread errPump = OutputPump.collect(p.getErrorStream(), text);
        int exit = p.waitFor();
        outPump.join();
        errPump.join();
        children.forget(p);
        return new Output(exit, text.toString());
    }
}
