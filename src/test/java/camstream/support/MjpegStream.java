package camstream.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A viewer for tests: one HTTP connection reading a multipart/x-mixed-replace stream part by part. */
public final class MjpegStream implements AutoCloseable {

    /** One part as received; {@code arrivalNanos} is System.nanoTime() when its last byte arrived. */
    public record Part(Map<String, String> headers, byte[] body, long arrivalNanos) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public long timestampMicros() {
            return parseTimestamp(header("X-Timestamp"));
        }

        /** {@code <seconds>.<micros>} as camstream writes it, in microseconds. */
        public static long parseTimestamp(String value) {
            String[] t = value.split("\\.");
            return Long.parseLong(t[0]) * 1_000_000L + Long.parseLong(t[1]);
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final InputStream in;
    private final byte[] delimiter;

    private MjpegStream(HttpResponse<InputStream> response, String boundary) {
        this.response = response;
        this.in = new BufferedInputStream(response.body(), 64 * 1024);
        this.delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    }

    public static MjpegStream open(URI uri) throws IOException, InterruptedException {
        return of(CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** Reads the stream of a response some other client received (HTTP/2, TLS). */
    public static MjpegStream of(HttpResponse<InputStream> r) throws IOException {
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() != 200 || !type.startsWith("multipart/x-mixed-replace")) {
            String body = new String(r.body().readNBytes(1000), StandardCharsets.UTF_8);
            r.body().close();
            throw new IOException("not a stream: " + r.statusCode() + " " + type + " " + body);
        }
        String boundary = type.replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
        MjpegStream s = new MjpegStream(r, boundary);
        s.expectDelimiter();
        return s;
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** Reads the next part, or throws EOFException when the server ended the stream. */
    public Part next() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line()).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException("bad part header: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("part without Content-Length: " + headers);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) {
            throw new EOFException("stream ended inside a part");
        }
        if (!line().isEmpty()) {
            throw new IOException("no CRLF after the part body");
        }
        long arrival = System.nanoTime();
        expectDelimiter();
        return new Part(headers, body, arrival);
    }

    private void expectDelimiter() throws IOException {
        String line = line();
        if (!line.equals(new String(delimiter, StandardCharsets.US_ASCII))) {
            throw new IOException("expected the boundary delimiter, got: " + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("stream ended");
            }
            if (b.size() > 8192) {
                throw new IOException("header line too long");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
