package camstream.record;

import java.time.Instant;

/**
 * One recording; live: being written now. {@code file} is its name in the camera's folder,
 * {@code thumbnail} the name of its first picture beside it (null when none).
 */
public record Recording(String camera, String file, String kind, String format, Instant start, double seconds,
                        long bytes, boolean live, String thumbnail) {

    /** Where the webapp serves it: relative to the webapp, {@code recordings/{camera}/{file}}. */
    public String url() {
        return "recordings/" + camera + "/" + file;
    }

    /** Where the webapp serves its thumbnail, or null. */
    public String thumbnailUrl() {
        return thumbnail == null ? null : "recordings/" + camera + "/" + thumbnail;
    }

    /** The file name without its extension: {@code yyyyMMdd-HHmmss-kind}. */
    public String base() {
        return file.substring(0, file.lastIndexOf('.'));
    }
}
