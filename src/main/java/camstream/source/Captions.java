package camstream.source;

import java.util.ArrayList;
import java.util.List;

/** Text drawn into pictures (the test pattern, the placeholders): what OpenCV's fonts can draw, in lines that fit. */
public final class Captions {

    private Captions() {
    }

    /** OpenCV's Hershey fonts draw only ASCII. */
    public static String ascii(String s) {
        return s.replace('\u2014', '-').replace('\u2013', '-').replace("\u2192", "->").replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** {@code text} in lines of at most {@code width} characters, broken between words where it can be. */
    public static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" ")) {
            while (word.length() > width) {
                if (cur.length() > 0) {
                    lines.add(cur.toString());
                    cur.setLength(0);
                }
                lines.add(word.substring(0, width));
                word = word.substring(width);
            }
            if (cur.length() + word.length() + 1 > width && cur.length() > 0) {
                lines.add(cur.toString());
                cur.setLength(0);
            }
            if (cur.length() > 0) {
                cur.append(' ');
            }
            cur.append(word);
        }
        if (cur.length() > 0) {
            lines.add(cur.toString());
        }
        return lines;
    }
}
