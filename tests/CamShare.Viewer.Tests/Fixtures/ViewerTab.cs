using System.Text.Json;
using Microsoft.Playwright;

namespace CamShare.Viewer.Tests.Fixtures;

/// <summary>
/// One browser tab on the viewer: records every request the page makes and what its console says, and reads
/// the page's own state (<c>camshareViewer.state()</c>) until a condition holds.
/// </summary>
public sealed class ViewerTab : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _console = [];

    private ViewerTab(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Request += (_, request) => { lock (Requests) Requests.Add(request.Url); };
        page.Console += (_, message) => { lock (_console) _console.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => { lock (_console) _console.Add($"pageerror: {error}"); };
    }

    public IPage Page { get; }

    /// <summary>Every URL the page asked for (documents, fetches, media), in order.</summary>
    public List<string> Requests { get; } = [];

    public string Console { get { lock (_console) return string.Join('\n', _console); } }

    public static async Task<ViewerTab> OpenAsync(IBrowser browser, Uri link, int width = 960, int height = 760, string? initScript = null)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        if (initScript is not null) await context.AddInitScriptAsync(initScript);
        var tab = new ViewerTab(context, await context.NewPageAsync());
        await tab.Page.GotoAsync(link.ToString());
        return tab;
    }

    public async Task<JsonElement> StateAsync() =>
        JsonDocument.Parse(await Page.EvaluateAsync<string>("() => JSON.stringify(window.camshareViewer.state())")).RootElement;

    /// <summary>Polls the page's state until <paramref name="condition"/> holds; fails with the last state.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, string what, int seconds = 45)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement state;
        do
        {
            state = await StateAsync();
            if (condition(state)) return state;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"the viewer did not get to: {what}\nlast state: {state}\nconsole:\n{Console}");
        return state;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

/// <summary>Reading the page's state object.</summary>
public static class ViewerState
{
    public static string? Current(this JsonElement s) => s.GetProperty("current").GetString();
    public static string? Error(this JsonElement s) => s.GetProperty("error").GetString();
    public static double CurrentTime(this JsonElement s) => s.GetProperty("currentTime").GetDouble();
    public static bool Paused(this JsonElement s) => s.GetProperty("paused").GetBoolean();
    public static int VideoWidth(this JsonElement s) => s.GetProperty("videoWidth").GetInt32();
    public static List<string> Played(this JsonElement s) => s.GetProperty("played").EnumerateArray().Select(e => e.GetString()!).ToList();
    public static List<string> Refused(this JsonElement s) => s.GetProperty("refused").EnumerateArray().Select(e => e.GetString()!).ToList();
}
