package camstream.camera;

import camstream.stream.Frame;
import camstream.stream.Viewer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A viewer that takes every frame it is offered at once and keeps them. */
final class RecordingViewer implements Viewer {

    final List<Frame> frames = new CopyOnWriteArrayList<>();

    @Override
    public boolean offer(Frame frame) {
        frames.add(frame);
        return false;
    }

    @Override
    public void drain() {
    }

    @Override
    public void tick(long nowNanos) {
    }

    @Override
    public void close(String why) {
    }

    Frame last() {
        return frames.isEmpty() ? null : frames.get(frames.size() - 1);
    }

    long pictures() {
        return frames.stream().filter(f -> !f.placeholder() && !f.repeat()).count();
    }
}
