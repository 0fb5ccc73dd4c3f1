using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CamShare.Storage.GoogleDrive.Tests.Emulator;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>
/// The emulator refuses what Drive's discovery document does not allow, the way the real service refuses it, so a
/// plugin request that would fail against Drive fails here too.
/// </summary>
public sealed class EmulatorFidelityTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = fixture.RefreshToken,
            ["client_id"] = DriveEmulatorFixture.ClientId, ["client_secret"] = DriveEmulatorFixture.ClientSecret,
        });
        using var response = await _http.PostAsync(fixture.Emulator.TokenEndpoint, form, Timeout());
        var token = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Timeout()))!["access_token"]!;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("files?q=trashed%20%3D%20false&colour=red", "colour")] // unknown parameter
    [InlineData("files?pageSize=5000", "pageSize")] // over the documented maximum
    [InlineData("files?supportsAllDrives=yes", "supportsAllDrives")] // not a boolean
    [InlineData("files?fields=files(id,sizes)", "fields")] // no such File field
    [InlineData("files?fields=nextPageToken,file(id)", "fields")] // no such FileList field
    [InlineData("files?q=name%20contains%20%27x%27%20or%20starred", "q")] // outside the emulated q subset
    [InlineData("files?orderBy=size", "orderBy")] // not a documented sort key
    public async Task Bad_requests_get_400(string pathAndQuery, string location)
    {
        using var response = await _http.GetAsync(fixture.Emulator.ApiBaseUrl + pathAndQuery, Timeout());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Timeout()))!["error"]!;
        Assert.Equal(400, (int)error["code"]!);
        Assert.Equal(location, (string?)error["errors"]![0]!["location"]);
    }

    [Fact]
    public async Task A_wrong_HTTP_method_is_refused()
    {
        using var response = await _http.PutAsync(fixture.Emulator.ApiBaseUrl + "files/" + DriveEmulator.RootId,
            new StringContent("{}", Encoding.UTF8, "application/json"), Timeout());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_body_field_is_refused()
    {
        using var response = await _http.PostAsync(fixture.Emulator.ApiBaseUrl + "files",
            new StringContent("""{"name":"x","mimeType":"application/vnd.google-apps.folder","colour":"red"}""",
                Encoding.UTF8, "application/json"), Timeout());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_fields_mask_only_the_default_fields_come_back()
    {
        using (var provider = fixture.Create())
            await provider.PutAsync("defaults/a.mp4", Generated(10, 1), null, Timeout());
        var json = JsonNode.Parse(await _http.GetStringAsync(fixture.Emulator.ApiBaseUrl + "files?q=name%20%3D%20%27a.mp4%27", Timeout()))!;
        var file = json["files"]![0]!.AsObject();
        Assert.Equal(["id", "kind", "mimeType", "name"], file.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Requests_without_a_valid_token_get_401()
    {
        using var anonymous = new HttpClient();
        using var response = await anonymous.GetAsync(fixture.Emulator.ApiBaseUrl + "files", Timeout());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Paging_walks_every_item_once()
    {
        using (var provider = fixture.Create())
            for (var i = 0; i < 7; i++)
                await provider.PutAsync($"paging/{i}.mp4", Generated(i, i), null, Timeout());
        var folder = fixture.Emulator.Children(DriveEmulator.RootId).Single(c => c.Name == "paging").Id;
        var names = new List<string>();
        string? token = null;
        do
        {
            var url = $"{fixture.Emulator.ApiBaseUrl}files?q={Uri.EscapeDataString($"'{folder}' in parents")}&pageSize=3" +
                      "&fields=nextPageToken,files(name)" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            var page = JsonNode.Parse(await _http.GetStringAsync(url, Timeout()))!;
            names.AddRange(page["files"]!.AsArray().Select(f => (string)f!["name"]!));
            token = (string?)page["nextPageToken"];
        } while (token is not null);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"{i}.mp4"), names.Order());
    }
}
