package dev.nssimg.daemon;

import dev.nssimg.error.ExitCode;
import dev.nssimg.lifecycle.Cleanup;
import dev.nssimg.lifecycle.Log;
import dev.nssimg.runtime.Engines;
import dev.nssimg.runtime.Invocation;
import dev.nssimg.runtime.ProcessLauncher;
import dev.nssimg.runtime.TurnLock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One invocation served by the daemon: the client's arguments, working
 * directory and environment in an {@link Invocation} of their own, output framed
 * back to the client, and a cleanup scope of its own. A signal from the client
 * (or the client vanishing) runs that scope, which stops this invocation's
 * buildx children and removes its containers, and ends it with 128+signal,
 * as a plain run would.
 */
final class Session {
    private static final int SIGHUP = 1;
    private static final long DRAIN_SECONDS = 5;

    private final SocketChannel channel;
    private final Wire wire;
    private final Server.Entry entry;
    private final TurnLock.Turns turns;
    private volatile int signal;
    private volatile boolean quiet;
    private Cleanup scope;
    private volatile Thread worker;
    private final CountDownLatch done = new CountDownLatch(1);
    /** Counted down when the invocation has ended, or when a signal has stopped it (as far as a bounded stop can). */
    private final CountDownLatch over = new CountDownLatch(1);

    Session(SocketChannel channel, Server.Entry entry, TurnLock.Turns turns) {
        this.turns = turns;
        this.channel = channel;
        this.wire = new Wire(channel);
        this.entry = entry;
    }

    /** True when this invocation must run in the client's own JVM: it reads the terminal, or it changes logging. */
    static boolean direct(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--verbose") || a.matches("-[A-Za-z]*v.*")) {
                return true; // log levels are JVM-wide (also -v in a cluster of short options, to be safe)
            }
        }
        String command = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
        return command.equals("run") || command.equals("daemon"); // run attaches stdin; daemon manages this JVM
    }

    void serve() {
        try (channel) {
            serveRequest();
        } catch (IOException e) {
            // the client is gone: nobody to report to (its work was stopped by the signal watcher)
        } finally {
            wire.close();
            done.countDown();
        }
    }

    /** Waits until this session has answered its client (or timeout); the daemon does before it exits. */
    boolean awaitDone(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    /** How long a client has to send its request: one that connects and says nothing must not hold the daemon. */
    private static final long REQUEST_SECONDS = 30;

    private void serveRequest() throws IOException {
        CountDownLatch read = new CountDownLatch(1);
        Thread guard = new Thread(() -> {
            try {
                if (!read.await(REQUEST_SECONDS, TimeUnit.SECONDS)) {
                    channel.close(); // the read below fails, and the session ends unanswered
                }
            } catch (InterruptedException | IOException e) {
                // nothing to guard any more
            }
        }, "nssimg-request-guard");
        guard.setDaemon(true);
        guard.start();
        Wire.Request req;
        try {
            req = wire.readRequest();
        } finally {
            read.countDown();
        }
        if (direct(req.args())) {
            wire.direct();
            return;
        }
        synchronized (this) {
            if (signal != 0) {
                return; // the daemon is stopping: hang up unanswered, and the client runs the command itself
            }
            wire.accepted(); // from here on the command is ours: the client no longer falls back to its own JVM
        }
        wire.exit(execute(req));
    }

    private int execute(Wire.Request req) {
        PrintWriter out = writer(Wire.OUT, true);
        PrintWriter err = writer(Wire.ERR, true);
        scope = new Cleanup(writer(Wire.ERR, false)); // a failed cleanup is always worth saying
        int[] code = {ExitCode.FAILED.code()};
        try (Engines engines = Engines.connecting()) {
            Invocation inv = new Invocation(req.env(), Path.of(req.cwd()), out, err, ProcessLauncher.system(), engines, scope,
                    new Log(), turns);
            Thread w = new Thread(() -> {
                try {
                    code[0] = entry.execute(inv, req.args().toArray(new String[0]));
                } finally {
                    out.flush();
                    err.flush();
                    over.countDown();
                }
            }, "nssimg-request");
            synchronized (this) {
                if (signal != 0) {
                    return 128 + signal; // stopped (the daemon is stopping) before the command started: it never will
                }
                worker = w;
                worker.start();
            }
            Thread watcher = new Thread(this::watchSignals, "nssimg-signals");
            watcher.setDaemon(true);
            watcher.start();
            // Until the invocation ends or a signal has been handled: a cancel is bounded, the worker after it
            // may not be (a call into an engine that no longer answers), and the client must hear back.
            over.await();
            // A cancel in progress finishes (containers gone, or named) before the engine client is
            // closed under it and before the exit code goes out.
            synchronized (this) {
                return signal != 0 ? 128 + signal : code[0];
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED.code();
        }
    }

    /** Reads the signals the client forwards until it hangs up; the first one stops the invocation. */
    private void watchSignals() {
        try {
            while (true) {
                cancel(wire.readSignal());
            }
        } catch (IOException e) {
            if (worker.isAlive()) {
                cancel(SIGHUP); // the client vanished mid-invocation
            }
        }
    }

    /** Stops this invocation as a plain run's shutdown hook would: children first, then containers. */
    synchronized void cancel(int sig) {
        if (signal != 0) {
            return; // already stopping
        }
        if (worker == null) {
            signal = sig; // not started: it never will be (unanswered before 'A', or ends at once with 128+sig)
            return;
        }
        if (!worker.isAlive()) {
            return; // over
        }
        signal = sig;
        quiet = true; // what the invocation prints while it is torn down is noise
        scope.runAll(Cleanup.BOUND);
        worker.interrupt();
        try {
            worker.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        over.countDown();
        try {
            byte[] msg = ("nssimg: interrupted\n").getBytes(StandardCharsets.UTF_8);
            wire.frame(Wire.ERR, msg, 0, msg.length);
        } catch (IOException e) {
            // the client is gone
        }
    }

    /** From the accept until the client has its answer: the daemon does not end for idleness meanwhile. */
    boolean active() {
        return done.getCount() > 0;
    }

    /** Output framed to the client; quietable output is dropped once the invocation is being torn down. */
    private PrintWriter writer(byte type, boolean quietable) {
        OutputStream frames = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!(quietable && quiet) && len > 0) {
                    wire.frame(type, b, off, len);
                }
            }
        };
        return new PrintWriter(new OutputStreamWriter(frames, StandardCharsets.UTF_8), true);
    }
}
