package camstream.web;

import camstream.Camstream;
import camstream.config.Settings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts camstream with the webapp and stops it, joining every thread, when the webapp stops. */
public final class CamstreamListener implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(CamstreamListener.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        Settings settings = Settings.read(Settings.lookup(ctx::getInitParameter));
        ctx.setAttribute(Camstream.ATTRIBUTE, Camstream.start(settings));
        String path = ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath() + "/";
        LOG.info(() -> "camstream is ready at context path " + path);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        Camstream app = (Camstream) ctx.getAttribute(Camstream.ATTRIBUTE);
        ctx.removeAttribute(Camstream.ATTRIBUTE);
        if (app != null) {
            try {
                app.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.WARNING, "Interrupted while stopping camstream", e);
            }
        }
    }
}
