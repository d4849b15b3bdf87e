package camstream.web;

import camstream.camera.Camera;
import camstream.camera.Lease;
import camstream.camera.VariantRequest;
import camstream.camera.VideoRequest;
import camstream.stream.Admission;

/**
 * A caller {@link Gate} let through to a camera, holding nothing yet: the camera, how access was
 * decided, and the options it asked for. Enough for a page or a HEAD; a viewer or a snapshot turns it
 * into a {@link Ticket}, the only way to hold a camera's stream.
 */
final class Pass {

    private final Camera camera;
    private final AccessRule.Decision access;
    private final ViewerOptions options;
    private final Admission admission;

    Pass(Camera camera, AccessRule.Decision access, ViewerOptions options, Admission admission) {
        this.camera = camera;
        this.access = access;
        this.options = options;
        this.admission = admission;
    }

    Camera camera() {
        return camera;
    }

    AccessRule.Decision access() {
        return access;
    }

    ViewerOptions options() {
        return options;
    }

    /** A viewer of the stream: counted against the viewer limits, holding a lease on the size and quality asked for. */
    Ticket viewer() throws Refused {
        String id = camera.id();
        String refused = admission.admit(id);
        if (refused != null) {
            throw new Refused(Refused.Reason.VIEWER_LIMIT, refused);
        }
        try {
            return hold(() -> admission.release(id));
        } catch (Refused | RuntimeException e) {
            admission.release(id);
            throw e;
        }
    }

    /**
     * A viewer of the H.264 stream: counted against the viewer limits, holding a lease on the stream of
     * the size and frame rate asked for (a JPEG quality does not apply).
     */
    Ticket videoViewer() throws Refused {
        String id = camera.id();
        if (camera.whyNoVideo() != null) {
            throw new Refused(Refused.Reason.NO_VIDEO, "camera '" + id + "' sends no H.264: " + camera.whyNoVideo());
        }
        String refused = admission.admit(id);
        if (refused != null) {
            throw new Refused(Refused.Reason.VIEWER_LIMIT, refused);
        }
        try {
            VariantRequest size = options.variant();
            Lease lease = camera.videoLease(new VideoRequest(size.maxWidth(), size.maxHeight(), options.fps()));
            if (lease == null) {
                if (camera.whyNoVideo() != null) {
                    throw new Refused(Refused.Reason.NO_VIDEO, "camera '" + id + "' sends no H.264: " + camera.whyNoVideo());
                }
                throw new Refused(Refused.Reason.VARIANT_LIMIT, noVariant(camera));
            }
            return new Ticket(this, lease.broadcaster(), () -> {
                try {
                    lease.release();
                } finally {
                    admission.release(id);
                }
            });
        } catch (Refused | RuntimeException e) {
            admission.release(id);
            throw e;
        }
    }

    /** A snapshot: not counted as a viewer, holding a lease until its picture is sent. */
    Ticket snapshot() throws Refused {
        return hold(() -> {
        });
    }

    private Ticket hold(Runnable alsoRelease) throws Refused {
        Lease lease = camera.lease(options.variant());
        if (lease == null) {
            throw new Refused(Refused.Reason.VARIANT_LIMIT, noVariant(camera));
        }
        return new Ticket(this, lease.broadcaster(), () -> {
            try {
                lease.release();
            } finally {
                alsoRelease.run();
            }
        });
    }

    /** Why {@code camera} made no lease on another size or quality, in one line. */
    static String noVariant(Camera camera) {
        String off = camera.whyNoVariants();
        if (off != null) {
            return "camera '" + camera.id() + "' makes no other size or quality: " + off;
        }
        int max = camera.maxVariants();
        return max == 0
                ? "camera '" + camera.id() + "' sends only its own size and quality (camstream.maxVariants=0)"
                : "camera '" + camera.id() + "' makes at most " + max + (max == 1 ? " variant" : " variants")
                + " (other sizes or qualities) at once (camstream.maxVariants); in use: "
                + String.join(", ", camera.variantsInUse()) + "; ask for one of those or for the camera's own";
    }
}
