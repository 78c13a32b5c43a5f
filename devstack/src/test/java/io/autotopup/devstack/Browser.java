package io.autotopup.devstack;

import io.autotopup.platform.testing.RequiredTools;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.network.Network;
import org.openqa.selenium.devtools.v156.network.model.PostDataEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its chromedriver, with every request it sends watched over DevTools (URL,
 * method and body, from the page and from the frames in it). A phone's screen: 360 px wide. Without chromium and
 * chromedriver the test is skipped, saying so (and fails where {@link RequiredTools#FLAG} is set, as in CI).
 */
final class Browser implements AutoCloseable {

    /** One request the browser sent. */
    record SentRequest(String method, String url, String body) {
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    final ChromeDriver driver;
    private final DevTools devTools;
    private final Path profile;
    private final List<SentRequest> requests = new CopyOnWriteArrayList<>();

    private Browser(String language) throws IOException {
        String chromium = tool("CHROMIUM", "/usr/bin/chromium");
        String chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
        RequiredTools.require(chromium != null && chromedriver != null,
                "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver): the portal's browser "
                        + "tests were NOT run");
        profile = Files.createTempDirectory("autotopup-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // a fresh profile, and none of Chromium's own calls out to the closed network
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile, "--window-size=360,800",
                "--lang=" + language);
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(PATIENCE);
        devTools = driver.getDevTools();
        devTools.createSession();
        devTools.send(Network.enable(Optional.empty(), Optional.empty(), Optional.of(1_000_000), Optional.empty(), Optional.empty()));
        // a phone's screen, 360 CSS pixels wide (a desktop window cannot be made that narrow)
        devTools.send(org.openqa.selenium.devtools.v156.emulation.Emulation.setDeviceMetricsOverride(360, 780, 2, true,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        devTools.addListener(Network.requestWillBeSent(), sent -> requests.add(new SentRequest(sent.getRequest().getMethod(),
                sent.getRequest().getUrl(), body(sent.getRequest().getPostData(), sent.getRequest().getPostDataEntries()))));
    }

    /** A browser whose preferred language is {@code language} (its Accept-Language). */
    static Browser start(String language) throws IOException {
        return new Browser(language);
    }

    private static String tool(String variable, String usual) {
        String path = System.getenv(variable);
        String candidate = path == null || path.isBlank() ? usual : path;
        return Files.isExecutable(Path.of(candidate)) ? candidate : null;
    }

    private static String body(Optional<String> postData, Optional<List<PostDataEntry>> entries) {
        StringBuilder body = new StringBuilder(postData.orElse(""));
        entries.ifPresent(list -> list.forEach(entry -> entry.getBytes().ifPresent(bytes ->
                body.append(new String(Base64.getDecoder().decode(bytes), StandardCharsets.UTF_8)))));
        return body.toString();
    }

    /** Every request sent so far, from every frame. */
    List<SentRequest> requests() {
        return List.copyOf(requests);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String cssSelector) {
        return waiting().until(d -> d.findElement(By.cssSelector(cssSelector)));
    }

    /** The element marked {@code data-test=name}. */
    WebElement marked(String name) {
        return find("[data-test='" + name + "']");
    }

    /** The value of an attribute of every element that matches now, in page order; none is waited for. */
    List<String> attributes(String cssSelector, String attribute) {
        return driver.findElements(By.cssSelector(cssSelector)).stream().map(element -> element.getAttribute(attribute)).toList();
    }

    void type(String cssSelector, String text) {
        WebElement field = find(cssSelector);
        field.clear();
        field.sendKeys(text);
    }

    void click(String cssSelector) {
        find(cssSelector).click();
    }

    /** The visible text of the page. */
    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    private String visibleText() {
        try {
            String text = text();
            return text.length() > 1500 ? text.substring(0, 1500) + "…" : text;
        } catch (RuntimeException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, PATIENCE, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.NoSuchElementException.class);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.withMessage(() -> "the browser was at " + driver.getCurrentUrl() + ", showing: " + visibleText());
        return wait;
    }

    /** Saves what the screen shows as {@code target/screenshots/<name>.png}, and returns where. */
    Path screenshot(String name) throws IOException {
        Path directory = Path.of("target", "screenshots");
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    @Override
    public void close() {
        try {
            devTools.close();
        } finally {
            driver.quit();
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind
            }
        }
    }
}
