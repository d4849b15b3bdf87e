package camstream;

import java.util.List;

/**
 * One camera's settings, read once at start. {@code problems} lists settings that were invalid;
 * a camera with problems is still created and shows a placeholder that names them.
 */
public record CameraConfig(String id, String name, String source, int width, int height, int fps,
                           int quality, List<String> problems) {

    public CameraConfig {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
