package camstream.it.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.Map;

/** One Tomcat 11 with the WAR and one headless Chromium, per test class; both end after the class. */
public final class TomcatWithBrowser implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private final Map<String, String> settings;
    private Tomcat tomcat;
    private ChromeDriver browser;

    public TomcatWithBrowser(String name, Map<String, String> settings) {
        this.name = name;
        this.settings = Map.copyOf(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        tomcat = new Tomcat(Tomcat.TOMCAT_11, name).deploy().start(settings);
        browser = Browser.start(tomcat.base());
        tomcat.awaitReady("/");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (tomcat != null) {
                tomcat.close();
            }
        }
    }

    public Tomcat tomcat() {
        return tomcat;
    }

    public ChromeDriver browser() {
        return browser;
    }
}
