using System.Diagnostics;
using System.Globalization;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>
/// Upload speed against OpenSSH's own client on the same sshd: a report, not a timed test (set
/// CAMSHARE_SFTP_THROUGHPUT=1 to run it; it prints the figures). Both sides include connecting and logging in.
/// </summary>
[Collection(EndToEnd.EndToEndCollection.Name)]
public sealed class ThroughputReport(KeySftpFixture fixture) : IClassFixture<KeySftpFixture>
{
    private static ITestOutputHelper? Log => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Uploads_compared_with_OpenSSH_sftp()
    {
        if (Environment.GetEnvironmentVariable("CAMSHARE_SFTP_THROUGHPUT") != "1")
        {
            Assert.Skip("a report, run on demand: CAMSHARE_SFTP_THROUGHPUT=1");
            return;
        }
        var work = Directory.CreateTempSubdirectory("camshare-sftp-throughput-").FullName;
        try
        {
            var big = await WriteFileAsync(work, "big.bin", 256L << 20, 1);
            var smalls = new List<string>();
            for (var i = 0; i < 50; i++) smalls.Add(await WriteFileAsync(work, $"small-{i}.bin", 2L << 20, 100 + i));
            Directory.CreateDirectory(fixture.RootFolder);
            await OpenSshServer.RunAsync("chown", $"{OpenSshServer.User}:", fixture.RootFolder);

            for (var round = 1; round <= 3; round++)
            {
                var sftpBig = await SftpBatchAsync(work, [$"put {big} \"{fixture.RootFolder}/sftp-big.bin\""]);
                var oursBig = await ProviderAsync(async p => await p.PutAsync("ours-big.bin", UploadSource.FromFile(big), null, CancellationToken.None));
                var sftpSmall = await SftpBatchAsync(work, smalls.Select((f, i) => $"put {f} \"{fixture.RootFolder}/sftp-small-{i}.bin\""));
                var oursSmall = await ProviderAsync(async p =>
                {
                    for (var i = 0; i < smalls.Count; i++)
                        await p.PutAsync($"ours-small/{i}.bin", UploadSource.FromFile(smalls[i]), null, CancellationToken.None);
                });
                var oursSmall4 = await ProviderAsync(async p =>
                {
                    using var gate = new SemaphoreSlim(4);
                    await Task.WhenAll(smalls.Select(async (f, i) =>
                    {
                        await gate.WaitAsync();
                        try { await p.PutAsync($"ours-small4/{i}.bin", UploadSource.FromFile(f), null, CancellationToken.None); }
                        finally { gate.Release(); }
                    }));
                });
                Log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: 256 MiB: sftp -b {sftpBig:0.00} s ({256 / sftpBig:0} MiB/s), provider {oursBig:0.00} s " +
                    $"({256 / oursBig:0} MiB/s), ratio {oursBig / sftpBig:0.00}; 50 x 2 MiB: sftp -b {sftpSmall:0.00} s, " +
                    $"provider sequential {oursSmall:0.00} s (ratio {oursSmall / sftpSmall:0.00}), provider 4 at once " +
                    $"{oursSmall4:0.00} s (ratio {oursSmall4 / sftpSmall:0.00})"));
                Assert.Equal(256L << 20, new FileInfo(Path.Combine(fixture.RootFolder, "ours-big.bin")).Length);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<double> ProviderAsync(Func<SftpStorageProvider, Task> action)
    {
        var options = fixture.Options();
        options.MaxConnections = 4;
        var clock = Stopwatch.StartNew();
        using (var provider = fixture.Create(options))
            await action(provider);
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<double> SftpBatchAsync(string work, IEnumerable<string> commands)
    {
        var batch = Path.Combine(work, "batch");
        await File.WriteAllLinesAsync(batch, commands);
        var clock = Stopwatch.StartNew();
        await OpenSshServer.RunAsync("sftp", "-q", "-b", batch, "-i", fixture.Server.ClientKeyPath, "-P",
            fixture.Server.Port.ToString(CultureInfo.InvariantCulture), "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", $"{OpenSshServer.User}@127.0.0.1");
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<string> WriteFileAsync(string folder, string name, long length, int seed)
    {
        var path = Path.Combine(folder, name);
        await using var output = File.Create(path);
        await using var input = new GeneratedStream(length, seed);
        await input.CopyToAsync(output);
        return path;
    }
}
