using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionCluster.Edge.Dashboard;
using SessionCluster.Edge.Tests.Linking;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SessionCluster.Edge.Tests.Dashboard;

/// <summary>
/// The dashboard (<c>/dashboard/</c>) in a real headless Chromium (Debian's <c>chromium</c>, which test.sh installs;
/// Playwright's driver comes with its NuGet package) against a node with the simulator: a person's whole path through
/// the page, and how its files are served. One browser, one session: linking is the slow part.
/// </summary>
public sealed partial class DashboardTests(EdgeNode node, ITestOutputHelper output) : IClassFixture<EdgeNode>
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Owner = "15550301001";
    private const string Friend = "15550302002";

    [Fact]
    public async Task A_session_created_in_the_page_links_sends_and_receives_and_a_tenants_key_then_sees_only_its_tenant()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (test.sh does: apt-get install -y chromium)");
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Root in a container has no user namespace sandbox to give chromium.
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1100 } });
        SetDefaultExpectTimeout((float)EdgeNode.Deadline.TotalMilliseconds);
        var faults = new List<string>();
        page.PageError += (_, error) => faults.Add($"uncaught: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                faults.Add($"CSP: {message.Text}");
            }
        };

        await page.GotoAsync(new Uri(node.Http.BaseAddress!, DashboardRoutes.Path).ToString());
        await UseKeyAsync(page, EdgeNode.AdminKey);

        // The admin key sees the node (one, Up) and its shard region.
        await Expect(page.Locator("#nodes tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#nodes tbody tr [data-status]")).ToHaveAttributeAsync("data-status", "up");
        await Expect(page.Locator("#shards tbody tr")).ToHaveCountAsync(1);

        await page.GetByLabel("New session id").FillAsync("dash-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create session" }).ClickAsync();
        await Expect(page.Locator("#session-list tr[data-session='dash-1']")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Link a phone by QR" }).ClickAsync();

        // The phone reads the QR from the image the page shows (its pixels, decoded), which is the code the page names.
        await Expect(page.Locator("#qr")).ToHaveAttributeAsync("data-qr", HoldsRef());
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#qr-image'); return i.complete && i.naturalWidth > 0; }");
        var shown = await page.EvaluateAsync<ShownQr>(ReadQrImage);
        var scanned = QrDecoding.Decode(Convert.FromBase64String(shown.Pixels), shown.Width, shown.Height);
        Assert.Equal(shown.Qr, scanned);
        await SimulatorPhones.ScanAsync(node.Simulator, Owner, scanned);

        await Expect(page.Locator("#session-status")).ToHaveAttributeAsync("data-status", "connected");
        await Expect(page.Locator("#session-jid")).ToContainTextAsync(Owner);
        await Expect(page.Locator("#session-list tr[data-session='dash-1'] [data-status]")).ToHaveAttributeAsync("data-status", "connected");
        await Expect(page.Locator("#qr")).ToBeHiddenAsync();
        await ScreenshotAsync(page, "linked-session.png", "the linked session");

        // A webhook whose receiver is down (nothing listens on the discard port): what it has not delivered is its lag.
        using (var webhook = await node.Http.PostAsJsonAsync("/v1/webhooks", new
        {
            url = "http://127.0.0.1:9/hooks",
            events = new[] { "message.*" },
            retry = new { attempts = 100, initialDelay = 600, maxDelay = 600 },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        }

        await page.GetByLabel("To").FillAsync("+" + Friend);
        await page.GetByLabel("Text").FillAsync("hello from the dashboard");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var sent = page.Locator("#sent tbody tr");
        await Expect(sent).ToHaveCountAsync(1);
        await Expect(sent.Locator(".message-status [data-status]")).ToHaveAttributeAsync("data-status", new Regex("^(delivered|read)$"));
        var messageId = await sent.GetAttributeAsync("data-message-id");
        var received = await SimulatorPhones.MessagesAsync(node.Simulator, Friend);
        Assert.Contains(received, m => m.Id == messageId && m.Text == "hello from the dashboard");

        using var http = new HttpClient();
        using var reply = await http.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/messages", new { to = Owner + "@s.whatsapp.net", text = "hi from the phone" });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        await Expect(page.Locator("#events li[data-type='message.received']")).ToContainTextAsync("hi from the phone");

        // The send's statuses and the reply are message events the webhook takes and has not delivered.
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Expect(page.Locator("#webhook-list tr[data-session='dash-1']")).ToHaveAttributeAsync("data-pending", new Regex("^([3-9]|[1-9][0-9]+)$"));

        await TheTenantsKeySeesItsOwnTenantOnlyAsync(page);
        Assert.Empty(faults);
    }

    /// <summary>
    /// The same page switched to other keys with its key form: one the node does not know, a tenant's key with a tenant
    /// typed (which only the admin key may name), then the tenant's key alone, which sees its session and webhook and
    /// none of the default tenant's (<c>dash-1</c>, the admin's webhook), and is told that nodes and shards are the admin's.
    /// </summary>
    private async Task TheTenantsKeySeesItsOwnTenantOnlyAsync(IPage page)
    {
        using var tenant = await node.TenantClientAsync("dash-tenant");
        using (var webhook = await tenant.PostAsJsonAsync("/v1/webhooks", new
        {
            url = "http://127.0.0.1:9/tenant-hooks",
            events = new[] { "session.*" },
            retry = new { attempts = 100, initialDelay = 600, maxDelay = 600 },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        }

        using (var session = await tenant.PostAsJsonAsync("/v1/sessions", new { id = "tenant-1" }))
        {
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        var keyStatus = page.Locator("#key-status");
        await UseKeyAsync(page, "sck_000000000000_not-a-key-the-node-knows");
        await Expect(keyStatus).ToContainTextAsync("Key refused");
        await Expect(keyStatus).ToHaveClassAsync(new Regex("error"));
        await Expect(page.Locator("#panels")).ToBeHiddenAsync();

        var tenantKey = tenant.DefaultRequestHeaders.Authorization!.Parameter!;
        await UseKeyAsync(page, tenantKey, "dash-tenant");
        await Expect(keyStatus).ToContainTextAsync("empty the Tenant field");
        await Expect(page.Locator("#panels")).ToBeHiddenAsync();

        await UseKeyAsync(page, tenantKey);
        await Expect(page.Locator("#session-list tr[data-session='tenant-1']")).ToBeVisibleAsync();
        await Expect(page.Locator("#session-list tbody tr")).ToHaveCountAsync(1);
        var clusterNote = page.Locator("#cluster-note");
        await Expect(clusterNote).ToContainTextAsync("admin key only");
        await Expect(clusterNote).Not.ToHaveClassAsync(new Regex("error"));
        await Expect(page.Locator("#nodes")).ToBeHiddenAsync();
        await Expect(page.Locator("#shards")).ToBeHiddenAsync();

        // Its webhook's lag is its session's status events; the default tenant's webhook and dash-1 are not there.
        var webhooks = page.Locator("#webhook-list tbody tr");
        await Expect(webhooks).ToHaveCountAsync(1);
        await Expect(webhooks).ToHaveAttributeAsync("data-session", "tenant-1");
        await Expect(webhooks).ToHaveAttributeAsync("data-pending", new Regex("^[1-9][0-9]*$"));
        await Expect(webhooks).ToContainTextAsync("tenant-hooks");
        await Expect(page.Locator("#webhooks-note")).Not.ToHaveClassAsync(new Regex("error"));

        await page.GetByRole(AriaRole.Button, new() { Name = "tenant-1" }).ClickAsync();
        await Expect(page.Locator("#session-name")).ToHaveTextAsync("tenant-1");
        await Expect(page.Locator("#session-status")).ToHaveAttributeAsync("data-status", "new");
        await Expect(page.Locator("#key-status")).ToHaveTextAsync("Events: live.");
        await ScreenshotAsync(page, "tenant-key.png", "the page with the tenant's key");
    }

    /// <summary>Writes the whole page to <c>TestResults/dashboard/</c> under the test's output folder, and says where.</summary>
    private async Task ScreenshotAsync(IPage page, string fileName, string what)
    {
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot of {what}: {screenshot}");
    }

    /// <summary>Types a key (and a tenant, or none) into the page's key form; the page reloads with it.</summary>
    private static async Task UseKeyAsync(IPage page, string key, string tenant = "")
    {
        await page.GetByLabel("API key or admin key").FillAsync(key);
        await page.GetByLabel("Tenant").FillAsync(tenant);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
    }

    [Fact]
    public async Task The_page_is_served_without_a_key_with_its_media_types_and_a_policy_that_allows_no_inline_script()
    {
        using var redirect = await node.Anonymous.GetAsync(DashboardRoutes.Path);
        Assert.Equal("/dashboard/", redirect.RequestMessage!.RequestUri!.AbsolutePath);

        foreach (var (file, mediaType) in new[] { ("", "text/html"), ("main.js", "text/javascript"), ("dashboard.css", "text/css") })
        {
            using var response = await node.Anonymous.GetAsync($"{DashboardRoutes.Path}/{file}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        }

        // No inline script or style in the page: everything it runs comes from its own files.
        var html = await node.Anonymous.GetStringAsync(DashboardRoutes.Path + "/");
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);

        using var missing = await node.Anonymous.GetAsync(DashboardRoutes.Path + "/admin.key");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>The QR figure's code and the shown image as 8-bit luminance (red channel of a black-and-white image), base64.</summary>
    private const string ReadQrImage = """
        () => {
          const image = document.querySelector('#qr-image');
          const canvas = document.createElement('canvas');
          canvas.width = image.naturalWidth;
          canvas.height = image.naturalHeight;
          const context = canvas.getContext('2d');
          context.drawImage(image, 0, 0);
          const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
          let binary = '';
          for (let i = 0; i < rgba.length; i += 4) binary += String.fromCharCode(rgba[i]);
          return { qr: document.querySelector('#qr').dataset.qr, width: canvas.width, height: canvas.height, pixels: btoa(binary) };
        }
        """;

    /// <summary>A QR's text holds a ref (<c>2@…</c>), alone or in a wa.me link.</summary>
    private static Regex HoldsRef() => new("2@");

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    /// <summary>What <see cref="ReadQrImage"/> returns (Playwright fills a type with a parameterless constructor).</summary>
    private sealed class ShownQr
    {
        public string Qr { get; init; } = "";

        public int Width { get; init; }

        public int Height { get; init; }

        public string Pixels { get; init; } = "";
    }
}
