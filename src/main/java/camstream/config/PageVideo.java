package camstream.config;

import java.util.Locale;

/** How the page ({@code camstream.pageVideo}) shows cameras: H.264 where it can, always H.264, or always pictures. */
public enum PageVideo {
    /** H.264 where the browser plays it and the server makes it; pictures otherwise. */
    AUTO,
    /** H.264 only: a tile that cannot have it says why and shows nothing. */
    H264,
    /** JPEG pictures only, as before H.264. */
    JPEG;

    /** The value of {@code text} (case ignored), or null. */
    static PageVideo parse(String text) {
        for (PageVideo v : values()) {
            if (v.name().equalsIgnoreCase(text)) {
                return v;
            }
        }
        return null;
    }

    /** As written in a setting. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
