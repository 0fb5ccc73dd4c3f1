using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>`camshare auth STORAGE` (installed-app consent on a headless device) and service-account keys.</summary>
public sealed class AuthorizationTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    [Fact]
    public async Task Consent_through_the_loopback_redirect_stores_a_0600_token_file_that_the_provider_uses()
    {
        var tokenFile = Path.Combine(fixture.Home, "consent-loopback", "token.json");
        using var provider = fixture.Create(o => o.TokenFile = tokenFile);
        var output = new LineWriter();

        // Nothing is pasted (end of input): the browser's redirect to the loopback address brings the code.
        var consent = provider.AuthorizeAsync(new StringReader(""), output, Timeout());
        var url = await output.FirstLineStartingWithAsync(fixture.Emulator.AuthorizationEndpoint);
        using (var browser = new HttpClient())
        {
            var page = await browser.GetStringAsync(url, Timeout()); // follows the 302 to 127.0.0.1:PORT
            Assert.Contains("access granted", page);
        }
        var line = await consent;

        Assert.Contains(tokenFile, line);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.DoesNotContain("refresh", output.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("access_type=offline", url);
        await provider.PutAsync("consented/a.mp4", Generated(100, 1), null, Timeout());
        using var again = fixture.Create(o => o.TokenFile = tokenFile); // a later start reads the stored token
        Assert.Equal(100, (await again.StatAsync("consented/a.mp4", Timeout())).Size);
    }

    [Fact]
    public async Task Consent_from_another_machine_works_by_pasting_the_redirected_address()
    {
        var tokenFile = Path.Combine(fixture.Home, "consent-paste.json");
        using var provider = fixture.Create(o => o.TokenFile = tokenFile);
        var output = new LineWriter();
        var input = new PastedInput();

        var consent = provider.AuthorizeAsync(input, output, Timeout());
        var url = await output.FirstLineStartingWithAsync(fixture.Emulator.AuthorizationEndpoint);
        // The browser elsewhere cannot reach this device's loopback address: the person copies the address.
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        using (var response = await browser.GetAsync(url, Timeout()))
            input.Paste(response.Headers.Location!.AbsoluteUri);
        await consent;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        await provider.PutAsync("pasted/a.mp4", Generated(10, 2), null, Timeout());
    }

    [Fact]
    public async Task A_refused_consent_is_an_authentication_error()
    {
        using var provider = fixture.Create(o => o.TokenFile = Path.Combine(fixture.Home, "refused.json"));
        var input = new PastedInput();
        var consent = provider.AuthorizeAsync(input, new LineWriter(), Timeout());
        input.Paste("http://127.0.0.1:1/?error=access_denied");
        await Assert.ThrowsAsync<StorageAuthenticationException>(() => consent);
    }

    [Fact]
    public async Task A_service_account_key_signs_in_with_a_JWT_the_token_endpoint_verifies()
    {
        using var rsa = RSA.Create(2048);
        const string email = "camshare@camshare-test.iam.gserviceaccount.com";
        fixture.Emulator.RegisterServiceAccount(email, rsa);
        var keyFile = Path.Combine(fixture.Home, "service-account.json");
        await File.WriteAllTextAsync(keyFile, new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "camshare-test",
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = email,
            ["client_id"] = "1234567890",
            ["token_uri"] = fixture.Emulator.TokenEndpoint,
        }.ToJsonString(), Timeout());
        var grants = fixture.Emulator.TokenGrants.GetValueOrDefault("urn:ietf:params:oauth:grant-type:jwt-bearer");

        using var provider = fixture.Create(o =>
        {
            o.Authentication = DriveAuthentication.ServiceAccount;
            o.ServiceAccountKeyFile = keyFile;
            o.TokenEndpoint = null; // the key file's token_uri
        });
        await provider.PutAsync("service-account/a.mp4", Generated(1234, 3), null, Timeout());

        Assert.Equal(1234, (await provider.StatAsync("service-account/a.mp4", Timeout())).Size);
        Assert.Equal(grants + 1, fixture.Emulator.TokenGrants["urn:ietf:params:oauth:grant-type:jwt-bearer"]);
        Assert.StartsWith("A service account needs no consent",
            await provider.AuthorizeAsync(new StringReader(""), new LineWriter(), Timeout()));
    }

    [Fact]
    public async Task A_service_account_key_the_server_does_not_know_is_an_authentication_error()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(fixture.Home, "unknown-service-account.json");
        await File.WriteAllTextAsync(keyFile, new JsonObject
        {
            ["type"] = "service_account",
            ["private_key_id"] = "1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "nobody@camshare-test.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = fixture.Emulator.TokenEndpoint,
        }.ToJsonString(), Timeout());
        using var provider = fixture.Create(o =>
        {
            o.Authentication = DriveAuthentication.ServiceAccount;
            o.ServiceAccountKeyFile = keyFile;
        });
        await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.StatAsync("a/b.mp4", Timeout()));
    }

    /// <summary>Collects what the consent prints and lets the test wait for a line.</summary>
    private sealed class LineWriter : StringWriter
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public string Text => ToString();

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            _lines.Writer.TryWrite(value ?? "");
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public async Task<string> FirstLineStartingWithAsync(string start)
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(Timeout()))
                if (line.StartsWith(start, StringComparison.Ordinal)) return line;
            throw new InvalidOperationException("no such line");
        }
    }

    /// <summary>A terminal where the person pastes one line later.</summary>
    private sealed class PastedInput : TextReader
    {
        private readonly TaskCompletionSource<string?> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Paste(string line) => _line.TrySetResult(line);

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            new(_line.Task.WaitAsync(cancellationToken));
    }
}
