package camstream.it.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ffmpeg decoded of a video stream, frame by frame (its showinfo filter): presentation times,
 * sizes and which frames were keyframes. Any decoding error fails the run ({@code -xerror}).
 */
public record Decoded(int frames, List<Double> times, List<String> sizes, List<Boolean> keys, String output) {

    private static final Pattern SHOWINFO = Pattern.compile(
            "(?m)\\bn:\\s*(\\d+)\\s+pts:\\s*(-?\\d+)\\s+pts_time:(\\S+).*\\bs:(\\d+x\\d+)\\b.*\\biskey:(\\d)");

    /** Runs ffmpeg over {@code url} until it decoded {@code frames} frames. */
    public static Decoded ffmpeg(Path work, String url, int frames) throws Exception {
        Path ffmpeg = Tools.require("/usr/bin/ffmpeg");
        Tools.Result run = Tools.run(60, work, List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats",
                "-xerror", "-rw_timeout", "10000000", "-i", url,
                "-frames:v", Integer.toString(frames), "-vf", "showinfo", "-f", "null", "-"));
        assertEquals(0, run.exitCode(), run.output());
        List<Double> times = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        List<Boolean> keys = new ArrayList<>();
        Matcher m = SHOWINFO.matcher(run.output());
        while (m.find()) {
            times.add(Double.parseDouble(m.group(3)));
            sizes.add(m.group(4));
            keys.add(m.group(5).equals("1"));
        }
        // The filter sees a frame more than ffmpeg writes; only the first frames count.
        assertTrue(times.size() >= frames, run.output());
        return new Decoded(frames, times.subList(0, frames), sizes.subList(0, frames), keys.subList(0, frames),
                run.output());
    }

    /** Every frame is {@code size}, the first is a keyframe, and times increase. */
    public void assertPlayableFromTheStart(String size) {
        assertTrue(keys.get(0), "the first frame is a keyframe: " + output);
        assertTrue(sizes.stream().allMatch(size::equals), sizes.toString());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) > times.get(i - 1), "times increase: " + times);
        }
    }
}
