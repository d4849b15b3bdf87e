package camstream.config;

import java.util.List;

/**
 * A camera's settings that only some source kinds use, read once at start.
 *
 * @param fourcc                pixel format asked of a device ({@code MJPG}, {@code YUYV}...), or "" for the
 *                              default: MJPG asked for, pictures decoded and encoded again; {@code MJPG} set
 *                              explicitly passes the camera's own JPEG pictures through
 * @param connectTimeoutSeconds how long connecting to an http(s) upstream may take
 * @param readTimeoutSeconds    how long an http(s) upstream may go without answering or without delivering a
 *                              whole picture before it is dropped and connected to again
 * @param maxPartBytes          the largest picture taken from an http(s) upstream; larger ones are skipped
 * @param passthrough           whether JPEG pictures a source delivers ready are passed on as they are
 *                              (false: decoded and encoded again at the camera's quality)
 * @param rtspTransport         how an rtsp(s) camera's packets travel: {@code tcp} (interleaved in the RTSP
 *                              connection) or {@code udp}
 * @param ffmpeg                the ffmpeg program that reads rtsp(s) cameras and decodes their video
 */
public record SourceOptions(String fourcc, int connectTimeoutSeconds, int readTimeoutSeconds, int maxPartBytes,
                            boolean passthrough, String rtspTransport, String ffmpeg) {

    public static final List<String> RTSP_TRANSPORTS = List.of("tcp", "udp");
    public static final String DEFAULT_FFMPEG = "ffmpeg";

    public SourceOptions(String fourcc, int connectTimeoutSeconds, int readTimeoutSeconds, int maxPartBytes,
                         boolean passthrough) {
        this(fourcc, connectTimeoutSeconds, readTimeoutSeconds, maxPartBytes, passthrough, "tcp", DEFAULT_FFMPEG);
    }

    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
    public static final int DEFAULT_READ_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_MAX_PART_BYTES = 8 * 1024 * 1024;

    public static final SourceOptions DEFAULTS = new SourceOptions("", DEFAULT_CONNECT_TIMEOUT_SECONDS,
            DEFAULT_READ_TIMEOUT_SECONDS, DEFAULT_MAX_PART_BYTES, true);
}
