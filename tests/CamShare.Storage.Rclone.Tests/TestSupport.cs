using System.Collections.Concurrent;
using System.Security.Cryptography;
using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>Tests that look at this process's rclone children must not share the process with other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RcloneProcessCollection
{
    public const string Name = "rclone processes";
}

internal static class TestData
{
    public static CancellationToken Timeout(int seconds = 180) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static UploadSource Generated(long length, int seed) =>
        UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(new GeneratedStream(length, seed)));

    public static async Task<string> WriteFileAsync(long length, int seed)
    {
        var file = Path.Combine(Path.GetTempPath(), $"camshare-rclone-test-{Guid.NewGuid():N}.mp4");
        await using var output = File.Create(file);
        await using var input = new GeneratedStream(length, seed);
        await input.CopyToAsync(output);
        return file;
    }

    public static string Md5OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

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

    public static string NewPrefix(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)] + "/";
}

/// <summary>Progress sink that signals when rclone's stats show bytes moving.</summary>
internal sealed class WatchedProgress : IProgress<TransferProgress>
{
    private readonly TaskCompletionSource _moving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public ConcurrentQueue<TransferProgress> Reports { get; } = new();
    public Task Moving => _moving.Task;

    public void Report(TransferProgress value)
    {
        Reports.Enqueue(value);
        if (value.BytesTransferred > 0 && value.BytesTransferred < value.TotalBytes) _moving.TrySetResult();
    }
}

/// <summary>Keeps every formatted log message (to prove no secret reaches a log).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Messages { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}
