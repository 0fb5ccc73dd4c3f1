using System.Diagnostics;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static CamShare.Storage.Sftp.Tests.TestData;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>A real full disk (a 4 MiB tmpfs as the root folder), the diagnostics, and what the provider claims.</summary>
public sealed class DiskFullAndDiagnosticsTests(PasswordSftpFixture fixture) : IClassFixture<PasswordSftpFixture>
{
    [Fact]
    public async Task A_full_disk_is_a_quota_error_and_leaves_no_temporary_file()
    {
        var small = Path.Combine(fixture.Server.Data, $"small-disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(small);
        if (!await TryRunAsync("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", small))
        {
            Assert.Skip("mounting a tmpfs needs root with CAP_SYS_ADMIN");
            return;
        }
        try
        {
            await OpenSshServer.RunAsync("chown", $"{OpenSshServer.User}:", small);
            var options = fixture.Options();
            options.RootFolder = small;
            using var provider = fixture.Create(options);
            await provider.PutAsync("cam/fits.mp4", Generated(1L << 20, 70), null, Timeout());

            var error = await Assert.ThrowsAsync<StorageQuotaException>(() =>
                provider.PutAsync("cam/too-big.mp4", Generated(6L << 20, 71), null, Timeout()));
            Assert.False(error.IsRetryable);
            Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
            Assert.Equal(["fits.mp4"], Directory.GetFiles(Path.Combine(small, "cam")).Select(Path.GetFileName));
            Assert.Equal(GeneratedStream.Md5Of(1L << 20, 70), await Md5OfObjectAsync(provider, "cam/fits.mp4"));
            await provider.PutAsync("cam/small.mp4", Generated(100_000, 72), null, Timeout()); // space is back
        }
        finally
        {
            await TryRunAsync("umount", small);
        }
    }

    [Fact]
    public async Task Diagnostics_show_the_server_its_extensions_and_the_root_folder()
    {
        using var provider = fixture.Create(fixture.Options());
        var results = await provider.DiagnoseAsync(Timeout());
        foreach (var r in results) TestContext.Current.TestOutputHelper?.WriteLine($"{r.Name}: {(r.Ok ? "ok" : "FAIL")}: {r.Detail}");
        Assert.All(results, r => Assert.True(r.Ok, $"{r.Name}: {r.Detail}"));
        Assert.Contains("OpenSSH", results.Single(r => r.Name == "SSH server").Detail, StringComparison.Ordinal);
        Assert.Contains(fixture.Server.HostKeyFingerprint, results.Single(r => r.Name == "SSH server").Detail, StringComparison.Ordinal);
        var extensions = results.Single(r => r.Name == "SFTP extensions").Detail;
        Assert.Contains("posix-rename@openssh.com", extensions, StringComparison.Ordinal);
        Assert.Contains("statvfs@openssh.com", extensions, StringComparison.Ordinal);
        Assert.Contains("atomically", results.Single(r => r.Name == "atomic replace").Detail, StringComparison.Ordinal);
        Assert.StartsWith("none offered", results.Single(r => r.Name == "server-side hashes").Detail, StringComparison.Ordinal);

        var options = fixture.Options();
        options.Password = SftpServerFixture.WrongPassword;
        using var denied = fixture.Create(options);
        var failed = Assert.Single(await denied.DiagnoseAsync(Timeout()));
        Assert.False(failed.Ok);
        Assert.DoesNotContain(SftpServerFixture.WrongPassword, failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provider_claims_no_server_side_hash_since_OpenSSH_offers_none()
    {
        Assert.False(typeof(IServerSideHashCapability).IsAssignableFrom(typeof(SftpStorageProvider)));
        Assert.True(typeof(IFolderCleanupCapability).IsAssignableFrom(typeof(SftpStorageProvider)));
        Assert.True(typeof(IStorageDiagnostics).IsAssignableFrom(typeof(SftpStorageProvider)));
    }

    [Fact]
    public void The_plugin_registers_the_sftp_provider_with_its_options()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        new SftpStoragePlugin().ConfigureServices(services);
        using var container = services.BuildServiceProvider();
        var descriptor = container.GetRequiredKeyedService<StorageProviderDescriptor>("sftp");
        Assert.Equal(typeof(SftpStorageOptions), descriptor.OptionsType);
        using var provider = (SftpStorageProvider)descriptor.Create(container, fixture.Options(), "nas");
        Assert.NotNull(provider);
    }

    private static async Task<bool> TryRunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }
}
