package camstream.it.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** One viewer of a {@code multipart/x-mixed-replace} stream, reading it part by part. */
public final class MjpegStream implements Closeable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final InputStream in;

    private MjpegStream(HttpResponse<InputStream> response) {
        this.response = response;
        this.in = response.body();
    }

    public static MjpegStream open(URI uri) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() != 200 || !type.startsWith("multipart/x-mixed-replace")) {
            r.body().close();
            throw new AssertionError("Not an MJPEG stream: " + uri + " answered " + r.statusCode() + " " + type);
        }
        return new MjpegStream(r);
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The body of the next part (its headers must name image/jpeg and a Content-Length). */
    public byte[] next() throws IOException {
        int length = -1;
        String partType = null;
        String line;
        boolean inHeaders = false;
        while ((line = readLine()) != null) {
            if (line.isEmpty()) {
                if (inHeaders) {
                    break;
                }
                continue;
            }
            if (line.startsWith("--")) {
                inHeaders = true;
                continue;
            }
            inHeaders = true;
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("content-type:")) {
                partType = line.substring(13).trim();
            }
        }
        if (line == null) {
            throw new IOException("stream ended");
        }
        if (length < 0 || !"image/jpeg".equals(partType)) {
            throw new AssertionError("part without image/jpeg type and length: " + partType + ", " + length);
        }
        return in.readNBytes(length);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
