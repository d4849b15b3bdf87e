package camstream.stream;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One H.264 stream's description, shared by its frames: the picture size, the fMP4 init segment a
 * viewer needs before the first fragment, and the codec string a browser's Media Source asks for. A
 * new track begins when the size changes; a viewer that cannot take a new init segment then ends.
 */
public final class VideoTrack {

    private final int width;
    private final int height;
    private final byte[] init;
    private final byte[] playerInit;
    private final String codec;
    private final byte[] sps;
    private final byte[] pps;
    private volatile byte[] socketInit;

    /**
     * @param sps the sequence parameter set NAL unit (from its header byte), whose profile and level name the codec
     * @param pps the picture parameter set NAL unit
     */
    public VideoTrack(int width, int height, byte[] init, byte[] sps, byte[] pps) {
        this(width, height, init, init, sps, pps);
    }

    /**
     * @param playerInit the init segment for a stream that goes on across tracks ({@code avc3}: each
     *                   keyframe carries its parameter sets), for {@code /stream/{camera}.mp4}
     */
    public VideoTrack(int width, int height, byte[] init, byte[] playerInit, byte[] sps, byte[] pps) {
        this.width = width;
        this.height = height;
        this.init = init;
        this.playerInit = playerInit;
        this.sps = sps.clone();
        this.pps = pps.clone();
        this.codec = "avc1." + HexFormat.of().withUpperCase().formatHex(sps, 1, 4);
    }

    /**
     * Whether a stream of this size with these parameter sets decodes with this track's init segment: an
     * encoder made anew with the same settings continues the same track, and its viewers notice nothing.
     */
    public boolean sameAs(int width, int height, byte[] sps, byte[] pps) {
        return this.width == width && this.height == height && Arrays.equals(this.sps, sps) && Arrays.equals(this.pps, pps);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** ftyp and moov; never modify it. */
    public byte[] init() {
        return init;
    }

    /** The init segment of a stream that takes the next tracks in its stride ({@code avc3}); never modify it. */
    public byte[] playerInit() {
        return playerInit;
    }

    /**
     * The WebSocket message that starts this track on a page ({@link SocketMessage}, the init segment),
     * built once, when first asked, and handed to every socket; {@code prefix} is the camera's
     * {@link SocketMessage#prefix}: a track belongs to one camera.
     */
    public byte[] socketInit(byte[] prefix) {
        byte[] m = socketInit;
        if (m == null) {
            // Two threads may both build it; the copies are equal.
            m = SocketMessage.message(prefix, 0, init, 0, init.length);
            socketInit = m;
        }
        return m;
    }

    /** RFC 6381 codec string, e.g. {@code avc1.42C01F}: profile, constraints and level from the SPS. */
    public String codec() {
        return codec;
    }
}
