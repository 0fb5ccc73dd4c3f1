using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Web;
using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Api;
using Google.Apis.Auth.OAuth2.Requests;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// The installed-app consent on a headless device: prints the consent address; the person opens it anywhere.
/// Google then redirects to a loopback address on this device — received directly when the browser runs here, or,
/// from another machine, the person pastes the address the browser failed to open (or just its code). The refresh
/// token goes to the token file (mode 0600); it is never printed.
/// </summary>
internal sealed class DriveConsent(DriveConnection connection, GoogleDriveStorageOptions options)
{
    public async Task<string> RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        using var listener = StartLoopbackListener(out var redirectUri);
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = new GoogleAuthorizationCodeRequestUrl(new Uri(connection.AuthorizationEndpoint))
        {
            ClientId = options.ClientId,
            Scope = DriveService.DriveScope,
            RedirectUri = redirectUri,
            State = state,
            AccessType = "offline", // a refresh token, so the device keeps access without the person
            Prompt = "consent",
        }.Build();

        await output.WriteLineAsync("Open this address in a browser and allow access to Google Drive:");
        await output.WriteLineAsync(url.AbsoluteUri);
        await output.WriteLineAsync("If the browser is on another machine it ends on an error page for " +
                                    $"{redirectUri}: copy that page's address (or its code=... value) and paste it here.");
        await output.FlushAsync(cancellationToken);

        var code = await WaitForCodeAsync(listener, input, state, cancellationToken);
        var flow = connection.CreateFlow();
        var token = await flow.ExchangeCodeForTokenAsync(DriveConnection.UserKey, code, redirectUri, cancellationToken);
        if (token.RefreshToken is null)
            throw new StorageAuthenticationException("Google issued no refresh token; remove CamShare's access at " +
                                                     "https://myaccount.google.com/permissions and run the consent again.");
        return $"Stored the Drive authorization in {options.TokenFile} (readable by this user only).";
    }

    private static HttpListener StartLoopbackListener(out string redirectUri)
    {
        // A free port: bind port 0, release it, listen on it (the tiny race only makes a retry necessary).
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        redirectUri = $"http://127.0.0.1:{port}/";
        var listener = new HttpListener();
        listener.Prefixes.Add(redirectUri);
        listener.Start();
        return listener;
    }

    private static async Task<string> WaitForCodeAsync(HttpListener listener, TextReader input, string state,
        CancellationToken cancellationToken)
    {
        var fromBrowser = ReceiveRedirectAsync(listener, state);
        var fromPerson = ReadPastedAsync(input, state, cancellationToken);
        while (true)
        {
            var first = await Task.WhenAny(fromBrowser, fromPerson).WaitAsync(cancellationToken);
            if (first == fromPerson && await fromPerson is null)
            {
                fromPerson = Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => (string?)null, TaskScheduler.Default);
                continue; // nothing pasted (end of input): wait for the browser
            }
            return await first ?? throw new StorageAuthenticationException("no authorization code was received.");
        }
    }

    private static async Task<string?> ReceiveRedirectAsync(HttpListener listener, string state)
    {
        var context = await listener.GetContextAsync();
        var code = CodeFrom(context.Request.Url?.Query ?? "", state);
        var page = "<html><body>CamShare: access granted. You may close this page.</body></html>"u8.ToArray();
        context.Response.ContentType = "text/html";
        context.Response.ContentLength64 = page.Length;
        await context.Response.OutputStream.WriteAsync(page);
        context.Response.Close();
        return code;
    }

    private static async Task<string?> ReadPastedAsync(TextReader input, string state, CancellationToken cancellationToken)
    {
        var line = (await input.ReadLineAsync(cancellationToken))?.Trim();
        if (string.IsNullOrEmpty(line)) return null;
        return Uri.TryCreate(line, UriKind.Absolute, out var uri) ? CodeFrom(uri.Query, state) : line;
    }

    private static string CodeFrom(string query, string state)
    {
        var values = HttpUtility.ParseQueryString(query);
        if (values["error"] is { } error) throw new StorageAuthenticationException($"consent refused: {error}.");
        if (values["state"] is { } returned && returned != state)
            throw new StorageAuthenticationException("the answer does not belong to this consent (state differs).");
        return values["code"] ?? throw new StorageAuthenticationException("the address holds no code=... value.");
    }
}
