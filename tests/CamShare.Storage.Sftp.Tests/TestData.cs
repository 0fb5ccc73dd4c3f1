using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;

namespace CamShare.Storage.Sftp.Tests;

internal static class TestData
{
    public static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static UploadSource Generated(long length, int seed) =>
        UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed)));

    public static string NewPrefix(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)] + "/";

    public static async Task<string> Md5OfObjectAsync(IStorageProvider provider, string key)
    {
        await using var stream = await provider.OpenReadAsync(key, Timeout());
        using var md5 = MD5.Create();
        return Convert.ToHexStringLower(await md5.ComputeHashAsync(stream));
    }

    public static async Task<List<StoredObject>> ListAsync(IStorageProvider provider, string prefix)
    {
        var items = new List<StoredObject>();
        await foreach (var item in provider.ListAsync(prefix, Timeout())) items.Add(item);
        return items;
    }

    /// <summary>Every message in the chain, for "no secret here" assertions.</summary>
    public static IEnumerable<string> Messages(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException) yield return e.Message;
    }
}
