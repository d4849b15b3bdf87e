package camstream.config;

/**
 * A camera's time-lapse settings: a picture every {@code intervalSeconds}, played back at {@code fps},
 * and the times of day it runs by itself ({@link Schedule#NONE}: only when started over HTTP).
 */
public record TimeLapseOptions(int intervalSeconds, Schedule schedule, int fps) {

    public static final int DEFAULT_INTERVAL_SECONDS = 10;
    public static final int DEFAULT_FPS = 25;
    public static final int MAX_INTERVAL_SECONDS = 86_400;

    public static final TimeLapseOptions DEFAULTS = new TimeLapseOptions(DEFAULT_INTERVAL_SECONDS, Schedule.NONE, DEFAULT_FPS);
}
