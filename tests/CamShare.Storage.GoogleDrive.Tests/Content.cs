using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>Generated upload content and read-back checks.</summary>
internal static class Content
{
    public static UploadSource Generated(long length, int seed) =>
        UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed)));

    /// <summary>The same bytes as a local file (a seekable stream, as the spool gives).</summary>
    public static async Task<UploadSource> FileAsync(string folder, long length, int seed)
    {
        var path = Path.Combine(folder, $"source-{seed}-{length}.bin");
        await using (var file = File.Create(path))
        await using (var generated = new GeneratedStream(length, seed))
            await generated.CopyToAsync(file);
        return UploadSource.FromFile(path);
    }

    public static string Md5(long length, int seed) => GeneratedStream.Md5Of(length, seed);

    public static async Task<string> Md5Async(IStorageProvider provider, string key)
    {
        await using var stream = await provider.OpenReadAsync(key, Timeout());
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream));
    }

    public static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
