using Microsoft.Playwright;

namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// Debian's chromium, headless, driven by Playwright for .NET (whose own browser download is not used: it is
/// launched by its executable path). Null <see cref="Browser"/> when chromium is not installed.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable("CAMSHARE_CHROMIUM") is { Length: > 0 } configured ? configured : Tools.Find("chromium");

    public async ValueTask InitializeAsync()
    {
        if (ExecutablePath is not { } path) return;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = path,
            Headless = true,
            // Root in a container: no sandbox; no GPU; no traffic of the browser's own (updates, metrics).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
