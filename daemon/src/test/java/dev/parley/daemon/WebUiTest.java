package dev.parley.daemon;

import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web interface in real headless Chromium against two real daemons (real server on port 0, real
 * webrtc-java, headless audio): log in with the one-time link, add each other from the contact strings,
 * verify safety numbers, chat with receipts both ways, send an image (progress to completion, preview,
 * open), place, answer and hang up a call, and a message sent while Bob's daemon is down that shows as
 * pending and turns delivered when it is back. Screenshots of each screen in target/screenshots/.
 */
@Tag("native")
class WebUiTest {
    @TempDir
    Path dir;
    DaemonFixture f;
    final List<AutoCloseable> open = new ArrayList<>();
    final List<Browser> browsers = new ArrayList<>();

    @AfterEach
    void stop(TestInfo info) {
        for (Browser b : browsers) {
            System.out.print(b.console());
            try {
                b.screenshot("last-" + b.name);
            } catch (Exception ignored) {
                // the browser may be gone
            }
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (f != null) f.close();
    }

    Daemon daemon(String name) throws Exception {
        DaemonEvents events = new DaemonEvents();
        ParleyClient c = ParleyClient.open(ParleyConfig.builder(dir.resolve(name)).server(f.serverUri()).build(), events);
        c.start();
        Daemon d = Daemon.start(c, events, ApiToken.loadOrCreate(dir.resolve(name)), DaemonConfig.loopback(0));
        open.add(d);
        return d;
    }

    Browser browser(String name, int width) {
        Browser b = new Browser(name, dir.resolve("chrome-" + name), width, 860);
        open.add(b);
        browsers.add(b);
        return b;
    }

    /** Logs the browser in with a fresh one-time link; the app is ready when body[data-ready]. */
    static void login(Browser b, Daemon d) {
        b.go(d.loginLink());
        b.until("the app loaded", w -> "true".equals(b.find("body").getAttribute("data-ready")));
    }

    @Test
    void twoPeopleChatVerifySendAFileCallAndMessageWhileOffline() throws Exception {
        f = new DaemonFixture(dir);
        Daemon alice = daemon("alice");
        Daemon bob = daemon("bob");
        Browser a = browser("alice", 1100);
        Browser b = browser("bob", 360); // a phone's width

        // Without the link the page refuses, with a human message; a used link does not work twice.
        a.go(alice.url() + "/app/");
        assertThat(a.find("#title").getText()).isEqualTo("Parley needs you to log in");
        assertThat(a.find("body").getText()).contains("parley web");
        String link = alice.loginLink();
        a.go(link);
        a.until("the app loaded", w -> "true".equals(a.find("body").getAttribute("data-ready")));
        b.go(link);
        assertThat(b.find("#title").getText()).isEqualTo("This login link has been used already or has expired");
        login(b, bob);

        // First run: own contact string as text and QR code, a name.
        a.find("#my-name").sendKeys("Alice");
        a.find("#save-name").click();
        String aliceString = a.until("contact string with the name", w -> {
            String v = a.find("#my-contact").getAttribute("value");
            return v.endsWith("name=Alice") ? v : null;
        });
        a.until("QR code drawn", w -> (Boolean) a.js("const i=document.getElementById('my-qr');return i.complete&&i.naturalWidth>0;"));
        a.screenshot("1-first-run");
        String bobString = b.until("bob's contact string", w -> {
            String v = b.find("#my-contact").getAttribute("value");
            return v.startsWith("parley:") ? v : null;
        });

        // Add each other by pasting the contact strings (Bob pastes a sentence with the link in it).
        a.find("#add-contact").sendKeys(bobString);
        a.find("#add-name").sendKeys("Bob");
        a.find("#add-form button[type=submit]").click();
        a.text("#chat-name", "Bob");
        b.find("#add-contact").sendKeys("Here is mine: " + aliceString + " see you");
        b.find("#add-form button[type=submit]").click();
        b.text("#chat-name", "Alice");
        a.text("#chat-status", "online");

        // Verification: the same safety number on both sides, in groups of five digits; mark verified.
        a.find("#verify-button").click();
        String aNumber = a.until("safety number", w -> a.find("#safety").getText().isEmpty() ? null : a.find("#safety").getText());
        assertThat(aNumber).matches("(\\d{5} ){11}\\d{5}");
        a.screenshot("2-verify");
        b.click("#verify-button");
        String bNumber = b.until("safety number", w -> b.find("#safety").getText().isEmpty() ? null : b.find("#safety").getText());
        assertThat(bNumber).isEqualTo(aNumber);
        b.find("#their-number").sendKeys(aNumber.replace("1", "2").equals(aNumber) ? aNumber.replace("3", "4") : aNumber.replace("1", "2"));
        b.find("#mark-verified").click();
        b.text("#verify-error", "The numbers are different");
        b.find("#their-number").clear();
        b.find("#their-number").sendKeys(aNumber);
        b.find("#mark-verified").click();
        b.text("#verify-state", "You have verified Alice");
        a.find("#mark-verified").click();
        a.text("#verify-state", "You have verified Bob");
        a.find("#verify-back").click();
        b.find("#verify-back").click();
        a.text("#contacts [data-peer] .verified", "✓");
        a.text("#chat-status", "verified");

        // Chat with receipts both ways: Enter sends, Shift+Enter is a new line; typing shows.
        WebElement text = a.find("#text");
        text.sendKeys("Hello Bob");
        b.text("#typing", "Alice is typing");
        text.sendKeys(Keys.ENTER);
        b.text(".msg.incoming", "Hello Bob");
        a.until("Hello Bob read", w -> a.driver.findElements(By.cssSelector(".msg.outgoing[data-state=read]")).size() == 1);
        a.text(".msg.outgoing .state", "read");
        b.find("#text").sendKeys("Hi Alice,", Keys.chord(Keys.SHIFT, Keys.ENTER), "good to see you", Keys.ENTER);
        assertThat(a.textOf(".msg.incoming", "good to see you")).contains("Hi Alice,\ngood to see you");
        b.until("reply read", w -> b.driver.findElements(By.cssSelector(".msg.outgoing[data-state=read]")).size() == 1);
        assertThat(a.driver.findElements(By.cssSelector("#timeline .day"))).hasSize(1);
        a.screenshot("3-chat");
        b.screenshot("3-chat-360px");

        // A file: picked, uploaded to the daemon, offered; Bob accepts; the progress bar completes; preview and open.
        Path image = dir.resolve("photo.png");
        BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        for (int y = 0; y < 300; y++) for (int x = 0; x < 400; x++) img.setRGB(x, y, ((x * 255 / 400) << 16 | (y * 255 / 300) << 8 | 0xa0) ^ r.nextInt(0x20) * 0x010101); // a gradient with grain: ~200 KB
        ImageIO.write(img, "png", image.toFile());
        long imageSize = Files.size(image);
        a.find("#file-input").sendKeys(image.toString());
        b.click(".file.incoming[data-state=offered] button.accept");
        assertThat(b.attr(".file.incoming[data-state=completed] progress", "value")).as("the bar at its end").isEqualTo("1");
        a.until("sent file completed", w -> !a.driver.findElements(By.cssSelector(".file.outgoing[data-state=completed]")).isEmpty());
        b.until("preview shown", w -> (Boolean) b.js("const i=document.querySelector('.file img');return !!i&&i.complete&&i.naturalWidth===400;"));
        String href = b.attr(".file.incoming[data-state=completed] a.open", "href");
        Object fetched = b.asyncJs("const done=arguments[arguments.length-1];fetch(arguments[0]).then(r=>r.arrayBuffer()).then(x=>done(x.byteLength),e=>done(String(e)));", href);
        assertThat(fetched).isEqualTo(imageSize);
        b.screenshot("4-file");
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "not for Bob");
        a.find("#file-input").sendKeys(notes.toString());
        b.click(".file.incoming[data-state=offered] button.decline");
        a.text(".file.outgoing[data-state=rejected] .tstate", "Bob declined the file");

        // A call: Alice calls, Bob's page rings, he accepts; both in call with duration and live stats; Alice hangs up.
        a.find("#call-button").click();
        b.text("#call-title", "Alice is calling");
        b.screenshot("5-call-ringing");
        b.until("Accept has the focus", w -> "call-accept".equals(b.driver.switchTo().activeElement().getAttribute("id")));
        b.driver.switchTo().activeElement().sendKeys(Keys.ENTER); // keyboard only: the ringing panel took the focus
        a.until("in call", w -> "answered".equals(a.find("#call").getAttribute("data-state")));
        b.until("in call", w -> "answered".equals(b.find("#call").getAttribute("data-state")));
        a.text("#call-stats", "RTT");
        a.text("#call-duration", "0:0");
        a.find("#call-mute").click();
        a.text("#call-mute", "Unmute");
        a.screenshot("6-in-call");
        a.find("#call-hangup").click();
        a.text("#call-state", "Call ended");
        b.text("#call-state", "Call ended");

        // A group: Alice creates it and invites Bob; Bob joins from his list; posts show their authors.
        a.find("#new-group-name").sendKeys("Team", Keys.ENTER);
        a.text("#group-name", "Team");
        a.find("#view-group summary").click();
        a.text("#group-invite-peer option", "Bob");
        a.find("#group-invite button").click();
        b.find("#menu").click();
        b.click("#groups [data-group]");
        b.text("#group-name", "Team");
        b.click("#group-accept");
        a.until("two members", w -> a.driver.findElements(By.cssSelector("#group-members li")).size() == 2);
        b.find("#group-text").sendKeys("hi team", Keys.ENTER);
        assertThat(a.textOf("#group-timeline .msg.incoming", "hi team")).startsWith("Bob\nhi team");
        a.find("#group-text").sendKeys("welcome", Keys.ENTER);
        assertThat(b.textOf("#group-timeline .msg.incoming", "welcome")).startsWith("Alice\nwelcome");
        a.screenshot("7-group");

        // History pages as you scroll up: 55 more messages, the first page shows the newest 50.
        a.click("#contacts [data-peer]");
        a.text("#chat-name", "Bob");
        Object sent = a.asyncJs("const done=arguments[arguments.length-1];const p=document.querySelector('#contacts [data-peer]').dataset.peer;"
                + "(async()=>{for(let i=1;i<=55;i++){await fetch('/v1/contacts/'+p+'/messages',{method:'POST',headers:{'Content-Type':'application/json'},"
                + "body:JSON.stringify({text:'number '+i})});}return 55;})().then(done,e=>done(String(e)));");
        assertThat(sent).isEqualTo(55L);
        try {
            a.until("all 56 delivered", w -> (Boolean) a.js("return document.querySelectorAll('#timeline .msg.outgoing').length===56"
                    + "&&document.querySelectorAll('#timeline .msg.outgoing[data-state=pending],#timeline .msg.outgoing[data-state=sent]').length===0;"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("alice: " + a.js("return JSON.stringify([...document.querySelectorAll('#timeline .msg')].map(m=>m.dataset.state+':'+m.firstChild.textContent));"), e);
        }
        b.find("#menu").click();
        b.click("#contacts [data-peer]");
        b.text(".msg.incoming", "number 55");
        b.until("the first page", w -> b.driver.findElements(By.cssSelector("#timeline .msg")).size() == 50);
        b.js("document.getElementById('timeline').scrollTop=0;");
        try {
            b.until("the older page after scrolling up", w -> b.driver.findElements(By.cssSelector("#timeline .msg")).size() == 57);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timeline: " + b.js("const t=document.getElementById('timeline');return JSON.stringify({n:t.querySelectorAll('.msg').length,"
                    + "top:t.scrollTop,h:t.scrollHeight,c:t.clientHeight,button:!!t.querySelector(':scope > button')});"), e);
        }
        b.text("#timeline .msg.outgoing", "good to see you");

        // Bob's daemon goes away: Alice's message is pending, "will be delivered when Bob is online"; delivered once he is back.
        open.remove(bob);
        bob.close();
        a.text("#chat-status", "offline");
        a.find("#text").sendKeys("Are you there?", Keys.ENTER);
        String id = (String) a.until("the message shown", w -> a.js(
                "const m=[...document.querySelectorAll('.msg.outgoing')].find(e=>e.textContent.includes('Are you there?'));return m&&m.dataset.id;"));
        assertThat(a.attr(".msg.outgoing[data-id='" + id + "']", "data-state")).isIn("pending", "sent");
        assertThat(a.textOf(".msg.outgoing[data-id='" + id + "']", "Are you there?")).contains("will be delivered when Bob is online");
        a.screenshot("8-pending");
        Daemon bob2 = daemon("bob");
        a.until("delivered after Bob is back", w -> {
            String s = a.find(".msg.outgoing[data-id='" + id + "']").getAttribute("data-state");
            return s.equals("delivered") || s.equals("read");
        });
        a.text(".msg.outgoing[data-id='" + id + "'] .state", "delivered");
        a.screenshot("9-delivered");
        assertThat(bob2.client().contacts()).hasSize(1);
    }
}
