package camstream.config;

import java.util.List;
import java.util.Map;

/**
 * Who may connect and how many: viewer limits, CORS, origins, framing, metrics, per-camera tokens.
 *
 * @param maxViewers      stream viewers of all cameras together; 0: no limit
 * @param corsAllowOrigin origins allowed to read responses from scripts ({@code *}, or a list); empty: none
 * @param publicOrigins   origins camstream's own pages are opened at besides its connectors' addresses
 *                        (the names users type, e.g. a reverse proxy's)
 * @param frameAncestors  the CSP {@code frame-ancestors} sources that may frame camstream's pages
 * @param metricsOpen     true when {@code /metrics} is open to everyone whatever protects the rest
 * @param cameras         per camera id: its viewer limit and access token
 * @param controlToken    the secret a request may show ({@code Authorization: Bearer}) to change recordings
 *                        without a login; null: none
 */
public record Access(int maxViewers, List<String> corsAllowOrigin, List<String> publicOrigins, String frameAncestors,
                     boolean metricsOpen, Map<String, CameraAccess> cameras, String controlToken) {

    public Access {
        corsAllowOrigin = List.copyOf(corsAllowOrigin);
        publicOrigins = List.copyOf(publicOrigins);
        cameras = Map.copyOf(cameras);
    }

    public CameraAccess camera(String id) {
        return cameras.getOrDefault(id, new CameraAccess(0, null));
    }

    @Override
    public String toString() {
        return "Access[maxViewers=" + maxViewers + ", corsAllowOrigin=" + corsAllowOrigin + ", publicOrigins="
                + publicOrigins + ", frameAncestors=" + frameAncestors + ", metricsOpen=" + metricsOpen + ", cameras="
                + cameras + ", controlToken=" + (controlToken == null ? "none" : "set") + "]";
    }

    /** Whether any camera has an access token. */
    public boolean anyToken() {
        return cameras.values().stream().anyMatch(c -> c.token() != null);
    }

    /**
     * @param maxViewers stream viewers of this camera; 0: no limit
     * @param token      the secret a request may show as {@code ?token=} instead of a login; null: none
     */
    public record CameraAccess(int maxViewers, String token) {

        @Override
        public String toString() {
            return "CameraAccess[maxViewers=" + maxViewers + ", token=" + (token == null ? "none" : "set") + "]";
        }
    }
}
