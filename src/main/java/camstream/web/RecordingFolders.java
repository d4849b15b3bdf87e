package camstream.web;

import camstream.config.CameraConfig;
import camstream.config.Settings;
import camstream.record.Library;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Each camera's recordings folder, {@code {dir}/{camera}}, from {@code camstream.recordings} and
 * {@code camstream.camera.ID.recordings}: the {@link Library} the recordings pages read, kept in a
 * context attribute. The recorder's own settings and checks of the directory are the recorder's.
 */
final class RecordingFolders {

    static final String ATTRIBUTE = Library.class.getName();

    private RecordingFolders() {
    }

    static Library library(UnaryOperator<String> lookup, Settings settings) {
        String all = lookup.apply("camstream.recordings");
        Map<String, Path> folders = new LinkedHashMap<>();
        for (CameraConfig c : settings.cameras()) {
            String dir = lookup.apply(Settings.cameraKey(c.id(), "recordings"));
            String d = dir != null ? dir : all;
            if (d != null && !d.isBlank()) {
                folders.put(c.id(), Path.of(d.trim()).resolve(c.id()));
            }
        }
        return new Library(folders);
    }
}
