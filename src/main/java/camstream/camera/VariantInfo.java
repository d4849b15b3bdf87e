package camstream.camera;

/**
 * One stream a camera is making, as {@code /status} shows it.
 *
 * @param options the query that asks for it ({@code width=320&quality=50}); empty for the main stream
 * @param width   of its last picture; 0 before the first
 * @param height  of its last picture; 0 before the first
 * @param quality its JPEG quality
 * @param viewers its viewers now
 */
public record VariantInfo(String options, int width, int height, int quality, int viewers) {

    public boolean main() {
        return options.isEmpty();
    }
}
