using CamShare.Abstractions;
using CamShare.Core.Storage.Local;
using Xunit;

namespace CamShare.Core.Tests.Storage;

/// <summary>A put is durable only once the folder holding the rename is flushed: prove the flush really happens.</summary>
public sealed class LocalDurabilityTests
{
    [Fact]
    public async Task Every_put_flushes_the_folder_of_its_rename()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("Windows has no folder flush");
        var root = Directory.CreateTempSubdirectory("camshare-durable-").FullName;
        try
        {
            var provider = new LocalStorageProvider(new LocalStorageOptions { Path = root });
            var before = Interlocked.Read(ref DirectorySync.Flushes);
            for (var i = 0; i < 3; i++)
                await provider.PutAsync($"cam/2024/{i}.mp4", UploadSource.FromStream(4,
                    _ => ValueTask.FromResult<Stream>(new MemoryStream([1, 2, 3, 4]))), null, TestContext.Current.CancellationToken);
            Assert.True(Interlocked.Read(ref DirectorySync.Flushes) - before >= 3);
            Assert.Throws<IOException>(() => DirectorySync.Flush(Path.Combine(root, "missing")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
