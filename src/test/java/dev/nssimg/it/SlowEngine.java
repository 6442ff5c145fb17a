package dev.nssimg.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test scaffolding: the real test-bed engine seen through a Unix-socket relay that can be made slow
 * ({@link #delay}: every chunk a client sends waits that long before the engine sees it) or deaf
 * ({@link #pause}: nothing a client sends reaches the engine). Only the nssimg under test talks through it
 * (DOCKER_HOST={@link #host}), so the engine stays quick for everything else on the machine.
 */
final class SlowEngine implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final UnixDomainSocketAddress engine;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;
    private volatile boolean paused;
    private volatile boolean closed;

    SlowEngine() throws IOException {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || !host.startsWith("unix://")) {
            throw new AssertionError("the slow-engine relay needs a unix:// DOCKER_HOST, not " + host);
        }
        engine = UnixDomainSocketAddress.of(host.substring("unix://".length()));
        dir = Files.createTempDirectory("nssimg-slow-engine");
        socket = dir.resolve("docker.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread accept = new Thread(this::accept, "slow-engine-accept");
        accept.setDaemon(true);
        accept.start();
    }

    String host() {
        return "unix://" + socket;
    }

    void delay(long millis) {
        delayMillis = millis;
    }

    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(engine);
                open.add(client);
                open.add(upstream);
                relay(client, upstream, true);
                relay(upstream, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(SocketChannel from, SocketChannel to, boolean towardsEngine) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    if (towardsEngine) {
                        holdWhilePaused();
                        long d = delayMillis;
                        if (d > 0) {
                            Thread.sleep(d); // the slowness this relay exists to add
                        }
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException | InterruptedException e) {
                // either side went away
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "slow-engine-relay");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void holdWhilePaused() throws InterruptedException {
        while (paused && !closed) {
            wait();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        server.close();
        for (SocketChannel c : open) {
            c.close();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}
