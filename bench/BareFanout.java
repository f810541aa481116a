import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of the stream scenarios on this machine: a bare fan-out server that speaks just enough HTTP/1.1
 * for bench/StreamsBench.java (ready check, token, event posts, SSE streams) and does nothing else: no
 * authentication, no database, no JSON. A posted event is framed once (an SSE message in an HTTP chunk) and
 * written by each selector thread to the streams it owns, as the service's event loops do. The same load
 * generator measured against it gives the latency and CPU the kernel, the loopback and the generator cost
 * by themselves; bench/streams.sh runs it first (BENCH_BASELINE=1).
 *
 * <p>Usage: {@code java bench/BareFanout.java PORT [THREADS]} (threads default 2, the cores of the machine).
 */
public class BareFanout {

    private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final AtomicLong ids = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Loop[] loops = new Loop[threads];
        for (int t = 0; t < threads; t++) {
            loops[t] = new Loop(loops);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().name("bare-loop-" + t).start(loops[t]);
        }
        int next = 0;
        while (true) {
            SocketChannel channel = server.accept();
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            loops[next++ % threads].adopt(channel);
        }
    }

    /** One selector thread: its connections, read and written only here. */
    static final class Loop implements Runnable {
        private final Selector selector = Selector.open();
        private final Loop[] all;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Streams by job id; "" holds the streams of every job (/api/stream). */
        private final Map<String, List<Conn>> streams = new HashMap<>();
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

        Loop(Loop[] all) throws IOException {
            this.all = all;
        }

        void adopt(SocketChannel channel) {
            execute(() -> {
                try {
                    channel.register(selector, SelectionKey.OP_READ, new Conn(channel));
                } catch (IOException e) {
                    close(channel);
                }
            });
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select();
                    for (Runnable task; (task = tasks.poll()) != null;) {
                        task.run();
                    }
                    for (var it = selector.selectedKeys().iterator(); it.hasNext();) {
                        SelectionKey key = it.next();
                        it.remove();
                        Conn conn = (Conn) key.attachment();
                        if (key.isValid() && key.isWritable()) {
                            conn.flush(key);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(conn, key);
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void read(Conn conn, SelectionKey key) {
            in.clear();
            int n;
            try {
                n = conn.channel.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                streams.values().forEach(list -> list.remove(conn));
                key.cancel();
                close(conn.channel);
                return;
            }
            conn.received.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
            for (Request request; (request = conn.nextRequest()) != null;) {
                answer(conn, key, request);
            }
        }

        private void answer(Conn conn, SelectionKey key, Request request) {
            if (request.path().endsWith("/stream") || request.path().contains("/stream?")) {
                streams.computeIfAbsent(jobOf(request.path()), job -> new ArrayList<>()).add(conn);
                conn.send(ByteBuffer.wrap(STREAM_HEAD), key);
                conn.send(chunk("data: {}\n\n"), key); // the snapshot the client counts as "subscribed"
            } else if (request.path().startsWith("/api/tokens")) {
                conn.send(ok("{\"token\":\"bare\"}"), key);
            } else if (request.path().endsWith("/events")) {
                ByteBuffer frame = chunk("id: " + ids.incrementAndGet() + "\ndata: " + request.body() + "\n\n");
                for (Loop loop : all) {
                    loop.execute(() -> loop.fanOut(jobOf(request.path()), frame));
                }
                conn.send(ok("{}"), key);
            } else {
                conn.send(ok("{\"status\":\"UP\"}"), key);
            }
        }

        /** One frame, shared read-only by every stream of this loop. */
        private void fanOut(String job, ByteBuffer frame) {
            for (String key : List.of(job, "")) {
                for (Conn conn : streams.getOrDefault(key, List.of())) {
                    conn.send(frame.duplicate(), conn.channel.keyFor(selector));
                }
            }
        }

        /** "/api/jobs/ID/stream?..." and "/api/jobs/ID/events" name job ID; "/api/stream" names none (""). */
        private static String jobOf(String path) {
            return path.startsWith("/api/jobs/") ? path.substring(10, path.indexOf('/', 10)) : "";
        }

        private static ByteBuffer ok(String body) {
            return ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
        }

        private static ByteBuffer chunk(String data) {
            byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
            byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer framed = ByteBuffer.allocateDirect(head.length + bytes.length + 2);
            framed.put(head).put(bytes).put((byte) '\r').put((byte) '\n').flip();
            return framed.asReadOnlyBuffer();
        }

        private static void close(SocketChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    record Request(String path, String body) {
    }

    /** A connection: its unparsed input and the output the socket did not take yet. */
    static final class Conn {
        final SocketChannel channel;
        final StringBuilder received = new StringBuilder();
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        /** The next whole request in the input (head and Content-Length body), or null. */
        Request nextRequest() {
            int headEnd = received.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String head = received.substring(0, headEnd);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            if (received.length() < headEnd + 4 + length) {
                return null;
            }
            String body = received.substring(headEnd + 4, headEnd + 4 + length);
            received.delete(0, headEnd + 4 + length);
            return new Request(head.split(" ")[1], body);
        }

        void send(ByteBuffer bytes, SelectionKey key) {
            if (pending.isEmpty()) {
                try {
                    channel.write(bytes);
                } catch (IOException e) {
                    return; // the read side sees the close
                }
            }
            if (bytes.hasRemaining()) {
                pending.add(bytes);
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        }

        void flush(SelectionKey key) {
            try {
                while (!pending.isEmpty()) {
                    channel.write(pending.peek());
                    if (pending.peek().hasRemaining()) {
                        return;
                    }
                    pending.poll();
                }
                key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                pending.clear();
            }
        }
    }
}
