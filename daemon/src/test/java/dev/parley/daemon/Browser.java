package dev.parley.daemon;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * A real headless Chromium (Debian's chromium + chromium-driver, which {@code ./parley test} installs)
 * driven through WebDriver, with its own profile directory. Waits poll the page for a stated condition;
 * screenshots go to {@code target/screenshots/}.
 */
final class Browser implements AutoCloseable {
    static final Path SHOTS = Path.of("target", "screenshots");
    final String name;
    final ChromeDriver driver;

    Browser(String name, Path profile, int width, int height) {
        this.name = name;
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        // --no-sandbox: CI runs as root; the rest keeps one browser small on a shared 2-core box.
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--mute-audio", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile.toAbsolutePath());
        o.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        if (width < 500) { // a window cannot be narrower than ~500 px: emulate a phone's viewport
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    java.util.Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
        }
    }

    void go(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** Waits (up to 40 s) until {@code what} gives a non-null, non-false value; fails with the description. */
    <T> T until(String description, Function<WebDriver, T> what) {
        return new WebDriverWait(driver, Duration.ofSeconds(40), Duration.ofMillis(100)).withMessage(name + ": " + description)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(what); // the app re-renders what changed
    }

    /** The first element matching {@code css} that is displayed, once there is one. */
    WebElement visible(String css) {
        return until(css + " visible", d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Clicks the first displayed element matching {@code css} once there is one (again if a re-rendering replaced it). */
    void click(String css) {
        until("click " + css, d -> {
            visible(css).click();
            return true;
        });
    }

    /** Waits until the element's text contains {@code text}. */
    WebElement text(String css, String text) {
        return until(css + " containing '" + text + "'", d -> d.findElements(By.cssSelector(css)).stream()
                .filter(e -> e.getText().contains(text)).findFirst().orElse(null));
    }

    /** The text of the first element matching {@code css} whose text contains {@code part}, once there is one. */
    String textOf(String css, String part) {
        return until(css + " containing '" + part + "'", d -> d.findElements(By.cssSelector(css)).stream()
                .map(WebElement::getText).filter(t -> t.contains(part)).findFirst().orElse(null));
    }

    /** The attribute of the element matching {@code css}, once it has one. */
    String attr(String css, String attribute) {
        return until(css + " with " + attribute, d -> d.findElements(By.cssSelector(css)).stream()
                .map(e -> e.getAttribute(attribute)).filter(java.util.Objects::nonNull).findFirst().orElse(null));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    void screenshot(String file) throws IOException {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(file + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** What the page logged (errors included), for a failure's message. */
    String console() {
        StringBuilder b = new StringBuilder();
        try {
            for (var e : driver.manage().logs().get("browser")) b.append(name).append(" console: ").append(e.getLevel()).append(' ').append(e.getMessage()).append('\n');
        } catch (RuntimeException e) {
            b.append(name).append(": no console log (").append(e.getMessage()).append(")\n");
        }
        return b.toString();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
