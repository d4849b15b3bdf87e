package camstream.camera;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The placeholder of a camstream without OpenCV: the colour of {@link Placeholder}'s background,
 * without text (drawing text needs fonts a server may not have), made with the JDK's own JPEG
 * writer. The page and {@code /status} still say why in words. One per size, made once.
 */
final class PlainPicture {

    /** Placeholder's background, as RGB. */
    private static final Color BACKGROUND = new Color(32, 32, 48);
    private static final Map<Long, byte[]> MADE = new ConcurrentHashMap<>();

    private PlainPicture() {
    }

    /** A JPEG of {@code width} x {@code height}, packed as {@link VariantRequest#pack} does. */
    static byte[] jpeg(long size) {
        return MADE.computeIfAbsent(size, s -> make(VariantRequest.width(s), VariantRequest.height(s)));
    }

    private static byte[] make(int width, int height) {
        BufferedImage image = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("this Java has no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
