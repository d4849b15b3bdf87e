package camstream.hls;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Writes a media playlist (RFC 8216 and its low-latency extension, draft-pantos-hls-rfc8216bis): the
 * complete segments for every player, and for low-latency players the parts of the newest segments,
 * a preload hint for the next part and the blocking reload the server offers. A player that ignores
 * the low-latency tags plays the segments {@link #HOLD_BACK_SEGMENTS} behind the newest.
 */
final class Playlist {

    /** Parts are listed for the newest segments spanning at least three part target durations and then some. */
    private static final int SEGMENTS_WITH_PARTS = 3;
    private static final int HOLD_BACK_SEGMENTS = 3;

    private Playlist() {
    }

    /**
     * @param listed     the segments to list, oldest first; the last may be in the making
     * @param gone       discontinuities before the first listed segment
     * @param nextPart   the index of the part in the making in the newest segment
     */
    static String render(String epoch, String query, int targetSeconds, List<Segmenter.Segment> listed, long gone,
                         int nextPart) {
        double partTarget = Segmenter.PART_TARGET_MICROS / 1e6;
        StringBuilder b = new StringBuilder(4096);
        b.append("#EXTM3U\n#EXT-X-VERSION:9\n");
        b.append("#EXT-X-TARGETDURATION:").append(targetSeconds).append('\n');
        b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").append(seconds(3 * partTarget))
                .append(",HOLD-BACK=").append(seconds(HOLD_BACK_SEGMENTS * (double) targetSeconds)).append('\n');
        b.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(partTarget)).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(listed.isEmpty() ? 0 : listed.get(0).msn).append('\n');
        b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(gone).append('\n');
        int map = -1;
        for (int i = 0; i < listed.size(); i++) {
            Segmenter.Segment s = listed.get(i);
            if (!s.complete && s.parts.isEmpty()) {
                continue; // just begun: its tags come with its first part
            }
            if (s.discontinuity && i > 0) {
                b.append("#EXT-X-DISCONTINUITY\n");
            }
            if (s.map != map) {
                map = s.map;
                b.append("#EXT-X-MAP:URI=\"").append(epoch).append("/init-").append(map).append(".mp4").append(query)
                        .append("\"\n");
            }
            b.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(Instant.EPOCH.plus(s.startMicros, ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS)).append('\n');
            if (i >= listed.size() - SEGMENTS_WITH_PARTS) {
                for (Segmenter.Part p : s.parts) {
                    b.append("#EXT-X-PART:DURATION=").append(seconds(p.durationMicros() / 1e6)).append(",URI=\"")
                            .append(epoch).append('/').append(s.msn).append('.').append(p.index()).append(".m4s")
                            .append(query).append('"');
                    if (p.independent()) {
                        b.append(",INDEPENDENT=YES");
                    }
                    b.append('\n');
                }
            }
            if (s.complete) {
                b.append("#EXTINF:").append(seconds(s.durationMicros / 1e6)).append(",\n")
                        .append(epoch).append('/').append(s.msn).append(".m4s").append(query).append('\n');
            }
        }
        if (!listed.isEmpty()) {
            Segmenter.Segment last = listed.get(listed.size() - 1);
            long msn = last.complete ? last.msn + 1 : last.msn;
            int part = last.complete ? 0 : nextPart;
            b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(epoch).append('/').append(msn).append('.')
                    .append(part).append(".m4s").append(query).append("\"\n");
        }
        return b.toString();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
