package io.memoram.connect.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small real HTTP forward proxy for tests: CONNECT tunnels (https through the proxy) and
 * absolute-form requests (plain http through the proxy), optionally requiring Basic credentials
 * (407 otherwise). It records what it was asked for ({@link #seen()}: "CONNECT host:port" or
 * "GET http://..."), and never forwards Proxy-* headers. One request per plain-http connection
 * (it answers with Connection: close), which is all a test needs.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String expectedAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-forward-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private final List<List<String>> heads = Collections.synchronizedList(new ArrayList<>());

    private ForwardProxy(String user, String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        threads.execute(this::acceptLoop);
    }

    /** A proxy that takes anyone. */
    public static ForwardProxy open() throws IOException {
        return new ForwardProxy(null, null);
    }

    /** A proxy that answers 407 unless a request carries these Basic credentials. */
    public static ForwardProxy requiring(String user, String password) throws IOException {
        return new ForwardProxy(user, password);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Request lines forwarded, in order. */
    public List<String> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Request line and header lines of each request forwarded, as the proxy received them. */
    public List<List<String>> heads() {
        synchronized (heads) {
            return List.copyOf(heads);
        }
    }

    /** Request lines answered with 407. */
    public List<String> refused() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                List<String> head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                String requestLine = head.get(0);
                String[] parts = requestLine.split(" ");
                String auth = header(head, "proxy-authorization");
                if (expectedAuthorization != null && !expectedAuthorization.equals(auth)) {
                    refused.add(requestLine);
                    drainBody(in, head);
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue; // the client may answer on the same connection
                }
                seen.add(requestLine);
                heads.add(List.copyOf(head));
                if (parts[0].equals("CONNECT")) {
                    tunnel(client, parts[1]);
                } else {
                    forward(client, head, parts);
                }
                return;
            }
        } catch (IOException e) {
            // a client or origin that went away: nothing to do
        }
    }

    private void tunnel(Socket client, String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        try (Socket origin = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            client.getOutputStream().flush();
            pipeBoth(client, origin);
        }
    }

    private void forward(Socket client, List<String> head, String[] parts) throws IOException {
        URI target = URI.create(parts[1]);
        int port = target.getPort() < 0 ? 80 : target.getPort();
        try (Socket origin = new Socket(target.getHost(), port)) {
            StringBuilder req = new StringBuilder();
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            req.append(parts[0]).append(' ').append(path.isEmpty() ? "/" : path).append(' ').append(parts[2]).append("\r\n");
            for (String h : head.subList(1, head.size())) {
                String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (!name.startsWith("proxy-") && !name.equals("connection")) {
                    req.append(h).append("\r\n");
                }
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream o = origin.getOutputStream();
            o.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            String length = header(head, "content-length");
            if (length != null) {
                o.write(client.getInputStream().readNBytes(Integer.parseInt(length.trim())));
            }
            o.flush();
            // The origin closes after its response (Connection: close); so does this proxy towards the client.
            InputStream originIn = origin.getInputStream();
            List<String> responseHead = readHead(originIn);
            StringBuilder resp = new StringBuilder();
            for (String h : responseHead) {
                if (!h.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    resp.append(h).append("\r\n");
                }
            }
            resp.append("Connection: close\r\n\r\n");
            OutputStream c = client.getOutputStream();
            c.write(resp.toString().getBytes(StandardCharsets.ISO_8859_1));
            originIn.transferTo(c);
            c.flush();
        }
    }

    private void pipeBoth(Socket a, Socket b) throws IOException {
        threads.execute(() -> {
            try {
                b.getInputStream().transferTo(a.getOutputStream());
            } catch (IOException e) {
                // closed
            } finally {
                closeQuietly(a);
            }
        });
        try {
            a.getInputStream().transferTo(b.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            closeQuietly(b);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void drainBody(InputStream in, List<String> head) throws IOException {
        String length = header(head, "content-length");
        if (length != null) {
            in.readNBytes(Integer.parseInt(length.trim()));
        }
    }

    private static String header(List<String> head, String name) {
        for (String h : head.subList(1, head.size())) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return h.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The request or status line and the header lines, without the blank line; empty at end of stream. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        int b;
        while ((b = in.read()) >= 0) {
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                String s = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (s.isEmpty()) {
                    return lines;
                }
                lines.add(s);
                line.reset();
            } else {
                line.write(b);
            }
            prev = b;
        }
        return List.of();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }

    /** Where the client should send its calls. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }
}
