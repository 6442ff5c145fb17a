package dev.nssimg.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's protocol with its client (src/main/c/nssimg-client.c), over a
 * Unix socket. Integers are 4-byte big-endian; a string is its length and its
 * UTF-8 bytes.
 *
 * <pre>
 * client: "NSS1" argc arg... cwd envc "K=V"...      the invocation
 *         'S' signo                                  a signal the client got (repeatable)
 * daemon: 'O'|'E' len bytes                          stdout / stderr
 *         'X' 4 code                                 the exit code (last frame)
 *         'D' 0                                      "run this one in your own JVM" (last frame)
 * </pre>
 *
 * Reads and writes use the channel directly (not Channels.newInputStream),
 * so that a blocked read of signals never holds up output.
 */
final class Wire {
    static final byte[] MAGIC = "NSS1".getBytes(StandardCharsets.US_ASCII);
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte EXIT = 'X';
    static final byte DIRECT = 'D';
    static final byte SIGNAL = 'S';
    /** Sent before the daemon starts a command: a client whose connection ends before it runs the command itself. */
    static final byte ACCEPTED = 'A';
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_COUNT = 1 << 16;

    record Request(List<String> args, String cwd, Map<String, String> env) {}

    private final SocketChannel ch;
    /** The one thread that writes to ch, in order. */
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nssimg-wire-writer");
        t.setDaemon(true);
        return t;
    });

    Wire(SocketChannel ch) {
        this.ch = ch;
    }

    Request readRequest() throws IOException {
        byte[] magic = bytes(MAGIC.length);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an nssimg client (bad magic)");
        }
        List<String> args = new ArrayList<>();
        for (int i = 0, n = count(); i < n; i++) {
            args.add(string());
        }
        String cwd = string();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0, n = count(); i < n; i++) {
            String kv = string();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return new Request(List.copyOf(args), cwd, java.util.Collections.unmodifiableMap(env));
    }

    /** The next signal number the client forwards; EOFException when it hung up. */
    int readSignal() throws IOException {
        byte type = bytes(1)[0];
        if (type != SIGNAL) {
            throw new IOException("unexpected frame " + type);
        }
        return integer();
    }

    /**
     * Writes one frame and returns when it is written. The write itself happens on this wire's writer thread: a
     * socket channel is closed outright when a thread writing to it is interrupted, and the daemon interrupts an
     * invocation's threads to stop them, which must never cut the client off before its exit code.
     */
    void frame(byte type, byte[] data, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + len);
        b.put(type).putInt(len).put(data, off, len).flip();
        java.util.concurrent.Future<?> written;
        try {
            written = writer.submit(() -> {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the session is over", e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    written.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the frame is on its way: wait for it, and keep the interrupt for the caller
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (java.util.concurrent.CancellationException e) {
                    throw new IOException("the session is over", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the writer thread (the channel is closed by its owner); frames still queued fail, their writers go on. */
    void close() {
        for (Runnable queued : writer.shutdownNow()) {
            if (queued instanceof java.util.concurrent.Future<?> f) {
                f.cancel(false);
            }
        }
    }

    void exit(int code) throws IOException {
        frame(EXIT, ByteBuffer.allocate(4).putInt(code).array(), 0, 4);
    }

    void accepted() throws IOException {
        frame(ACCEPTED, new byte[0], 0, 0);
    }

    void direct() throws IOException {
        frame(DIRECT, new byte[0], 0, 0);
    }

    private int count() throws IOException {
        int n = integer();
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private String string() throws IOException {
        int n = integer();
        if (n < 0 || n > MAX_STRING) {
            throw new IOException("bad string length " + n);
        }
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private int integer() throws IOException {
        return ByteBuffer.wrap(bytes(4)).getInt();
    }

    private byte[] bytes(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException();
            }
        }
        return b.array();
    }
}
