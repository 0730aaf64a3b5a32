package io.github.bisonbackfill.examples.report;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: nothing is downloaded (the driver
 * and the browser are given by path, so Selenium Manager is not consulted), no profile is shared
 * (a fresh user data directory), no background network. A missing browser fails the test with the
 * install command: never a skip.
 */
public final class HeadlessChromium {
    /** Debian's chromium. */
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    /** Debian's chromium-driver. */
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** What to run when either is missing. */
    public static final String HOW_TO_INSTALL = "install Debian's browser and driver first:"
            + " apt-get install -y chromium chromium-driver (.ci/run does it)";

    private HeadlessChromium() {
    }

    /**
     * @param userDataDir a fresh, empty directory for the browser profile
     * @return a driver with browser console logs enabled; quit it when done
     * @throws IllegalStateException when chromium or chromedriver is missing, saying how to install them
     */
    public static ChromeDriver start(Path userDataDir) throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException((Files.isExecutable(BROWSER) ? "" : BROWSER + " is missing; ")
                    + (Files.isExecutable(DRIVER) ? "" : DRIVER + " is missing; ") + HOW_TO_INSTALL);
        }
        Files.createDirectories(userDataDir);
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1400,1000", "--user-data-dir=" + userDataDir.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
