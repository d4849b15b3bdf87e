package camstream.camera;

import camstream.video.AccessUnit;
import camstream.video.AnnexB;
import camstream.video.H264Sps;

import java.util.Arrays;
import java.util.logging.Logger;

/**
 * A camera's own H.264, as it came (an IP camera's stream): each access unit becomes an fMP4 fragment
 * for the camera's H.264 stream, with no decode and no encode. The track is described by the last
 * sequence and picture parameter sets the camera sent before a keyframe; a changed SPS (another size,
 * a firmware update) begins a new track. A viewer that joins starts at the camera's last keyframe
 * ({@link VideoFragments} has the group kept for it). Capture thread only.
 */
final class PassthroughVideo {

    private static final Logger LOG = Logger.getLogger(PassthroughVideo.class.getName());

    private final String camera;
    private final double fps;
    private final VideoFragments fragments;
    private byte[] sps;
    private byte[] pps;
    private int width;
    private int height;
    private boolean warnedB;

    PassthroughVideo(String camera, double fps, VideoFragments fragments) {
        this.camera = camera;
        this.fps = fps;
        this.fragments = fragments;
    }

    /**
     * Publishes an H.264 access unit to the camera's H.264 stream; false, and nothing published, for a
     * keyframe that this camera encoded itself: it came back through relays that make a loop.
     */
    boolean publish(AccessUnit unit, long captureMicros) {
        boolean keyframe = unit.keyframe();
        if (keyframe) {
            byte[] s = unit.lastOfType(AnnexB.SPS);
            byte[] p = unit.lastOfType(AnnexB.PPS);
            if (s != null && p != null && (sps == null || !Arrays.equals(s, sps))) {
                long size;
                try {
                    size = H264Sps.size(s);
                } catch (IllegalArgumentException e) {
                    LOG.fine(() -> "Camera '" + camera + "': a keyframe whose SPS does not read (" + e.getMessage() + ")");
                    return true;
                }
                width = (int) (size >>> 32);
                height = (int) size;
                LOG.fine(() -> "Camera '" + camera + "': its H.264 passes through, " + width + "x" + height);
            }
            if (s != null && p != null) {
                sps = s;
                pps = p;
            }
            if (sps == null) {
                return true; // a keyframe with no parameter sets before any: wait for one that has them
            }
        }
        if (!warnedB && !keyframe && hasBSlice(unit)) {
            warnedB = true;
            LOG.warning(() -> "Camera '" + camera + "': its H.264 has B-frames, which players of the stream passed"
                    + " through may show out of order; turn B-frames off in the camera's video settings");
        }
        return fragments.publish(unit.toAvcc(), keyframe, width, height, sps, pps, captureMicros, fps, false, this);
    }

    private static boolean hasBSlice(AccessUnit unit) {
        for (byte[] nal : unit.nals()) {
            if ((nal[0] & 0x1f) == AnnexB.NON_IDR_SLICE && H264Sps.isBSlice(nal)) {
                return true;
            }
        }
        return false;
    }
}
