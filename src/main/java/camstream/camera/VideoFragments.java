package camstream.camera;

import camstream.stream.Broadcaster;
import camstream.stream.VideoTrack;
import camstream.video.AnnexB;
import camstream.video.Fmp4;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One H.264 stream's pictures as fMP4 fragments of one track, published to its viewers. Times follow
 * the capture times, in microseconds: each frame lasts as long as the gap before it and begins where
 * the one before it ended, so the stream has neither gaps nor overlaps (which a browser's Media Source
 * would drop frames for) and keeps pace with the camera whatever its real frame rate. A keyframe with
 * the same size and parameter sets continues the track: viewers notice nothing. Each keyframe carries its
 * parameter sets, so a player's stream goes on across tracks (the camera's own H.264 and the
 * placeholders encoded here, another size). The camera's own H.264 and its encoder publish through one
 * of these, from their two threads, so that times and sequence numbers go on from one to the other.
 */
final class VideoFragments {

    static final int TIMESCALE = 1_000_000;
    /** A frame lasts at most this long in the stream's times, however long the camera was silent. */
    private static final long MAX_DURATION_MICROS = 1_000_000;
    private static final int OWN_KEYFRAMES = 4;

    private final Broadcaster video;
    private VideoTrack track;
    /** Who published the last keyframe: frames of anyone else refer to pictures its viewers never got. */
    private Object owner;
    private long fragments;
    /** Where the next frame begins in the stream's time. */
    private long nextTime;
    private long lastCaptureMicros = -1;
    /** The last keyframes encoded here, as sent: one that comes back through a relay went round a loop. */
    private final ArrayDeque<byte[]> ownKeyframes = new ArrayDeque<>();

    VideoFragments(Broadcaster video) {
        this.video = video;
    }

    /**
     * Publishes one picture; a keyframe names its stream's size and parameter sets, which begin a new
     * track if they differ from the last. Pictures before the first keyframe are dropped.
     *
     * @param sample the picture as an MP4 sample (length-prefixed NAL units)
     * @param fps    the stream's frame rate, for the first picture's duration
     * @param from   who publishes it (an encoder, the camera's own H.264): a frame that is not a
     *               keyframe is dropped unless the last keyframe came from the same
     * @return false, and nothing published, for a keyframe of the camera's own H.264 that was encoded
     *         here: it came back through relays that make a loop
     */
    synchronized boolean publish(byte[] sample, boolean keyframe, int width, int height, byte[] sps, byte[] pps,
                                 long captureMicros, double fps, boolean placeholder, Object from) {
        boolean passedThrough = from instanceof PassthroughVideo;
        if (keyframe) {
            sample = AnnexB.withParameterSets(sample, sps, pps);
            if (passedThrough && cameBack(sample)) {
                return false;
            }
        }
        if (keyframe) {
            owner = from;
        } else if (owner != from) {
            return true;
        }
        if (keyframe && (track == null || !track.sameAs(width, height, sps, pps))) {
            byte[] init = Fmp4.init(width, height, sps, pps, TIMESCALE);
            track = new VideoTrack(width, height, init, Fmp4.inBandInit(init), sps, pps);
        }
        if (track == null) {
            return true;
        }
        if (keyframe && !passedThrough) {
            ownKeyframes.addLast(sample);
            if (ownKeyframes.size() > OWN_KEYFRAMES) {
                ownKeyframes.removeFirst();
            }
        }
        long duration = lastCaptureMicros < 0 ? Math.round(TIMESCALE / Math.max(0.1, fps))
                : Math.max(1, Math.min(MAX_DURATION_MICROS, captureMicros - lastCaptureMicros));
        long time = nextTime;
        nextTime += duration;
        lastCaptureMicros = captureMicros;
        byte[] fragment = Fmp4.fragment(++fragments, time, (int) duration, keyframe, sample, 0, sample.length);
        // The camera's own H.264 has keyframes when the camera sends them: its group is kept for viewers who join.
        video.publishVideo(track, fragment, keyframe, captureMicros, placeholder, passedThrough);
        return true;
    }

    private boolean cameBack(byte[] keyframe) {
        for (byte[] own : ownKeyframes) {
            if (Arrays.equals(own, keyframe)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last keyframe came from {@code from}: if not, its next frame must be a keyframe to be sent. */
    synchronized boolean continues(Object from) {
        return owner == from;
    }
}
