using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>
/// A measurement, not a check (no timing is asserted): a 256 MiB put through the provider to the emulator against
/// `curl -T` of the same bytes into one resumable session of the same emulator, and the managed memory the put
/// held. Runs only with CAMSHARE_GDRIVE_PERF=1 (it writes 256 MiB to /tmp); prints its figures.
/// </summary>
public sealed class UploadPerformanceReport(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    private const long Length = 256L << 20;

    [Fact]
    public async Task Put_of_256_MiB_against_curl()
    {
        if (Environment.GetEnvironmentVariable("CAMSHARE_GDRIVE_PERF") != "1")
            Assert.Skip("a measurement: run with CAMSHARE_GDRIVE_PERF=1");
        var source = await FileAsync(fixture.Home, Length, 99);
        var report = new StringBuilder();
        foreach (var chunkKiB in new[] { 8192, 32768 })
        {
            using var provider = fixture.Create(o => o.ChunkSizeKiB = chunkKiB);
            await provider.PutAsync($"perf/warm-{chunkKiB}.bin", Generated(1 << 20, 1), null, Timeout()); // token, folders
            var (seconds, peak) = await MeasureAsync(() => provider.PutAsync($"perf/{chunkKiB}.bin", source, null, Timeout(600)));
            report.AppendLine($"provider, chunk {chunkKiB / 1024} MiB: {seconds:0.00} s, {Length / seconds / (1 << 20):0} MiB/s, " +
                              $"peak managed memory held {peak >> 20} MiB");
        }
        var curl = await CurlAsync(source.LocalPath!);
        report.AppendLine($"curl -T, one PUT: {curl:0.00} s, {Length / curl / (1 << 20):0} MiB/s");
        TestContext.Current.SendDiagnosticMessage(report.ToString());
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "camshare-gdrive-perf.txt"), report.ToString(), Timeout());
    }

    private static async Task<(double Seconds, long Peak)> MeasureAsync(Func<Task<StoredObject>> put)
    {
        long peak = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var watch = Stopwatch.StartNew();
        var stored = await put();
        watch.Stop();
        stop.Cancel();
        await sampler;
        Assert.Equal(Length, stored.Size);
        return (watch.Elapsed.TotalSeconds, peak);
    }

    private async Task<double> CurlAsync(string path)
    {
        using var http = new HttpClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = fixture.RefreshToken,
            ["client_id"] = DriveEmulatorFixture.ClientId, ["client_secret"] = DriveEmulatorFixture.ClientSecret,
        });
        using var tokenResponse = await http.PostAsync(fixture.Emulator.TokenEndpoint, form, Timeout());
        var token = (string)JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync(Timeout()))!["access_token"]!;
        using var initiate = new HttpRequestMessage(HttpMethod.Post,
            fixture.Emulator.BaseUrl + "upload/drive/v3/files?uploadType=resumable&fields=id,size");
        initiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        initiate.Headers.Add("X-Upload-Content-Length", Length.ToString());
        initiate.Content = new StringContent("""{"name":"curl.bin"}""", Encoding.UTF8, "application/json");
        using var session = await http.SendAsync(initiate, Timeout());
        var location = session.Headers.Location!.AbsoluteUri;

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("curl")
        {
            ArgumentList = { "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", path, "-H",
                $"Content-Range: bytes 0-{Length - 1}/{Length}", location },
            RedirectStandardOutput = true,
        })!;
        var status = await process.StandardOutput.ReadToEndAsync(Timeout());
        await process.WaitForExitAsync(Timeout());
        watch.Stop();
        Assert.Equal("201", status);
        return watch.Elapsed.TotalSeconds;
    }
}
