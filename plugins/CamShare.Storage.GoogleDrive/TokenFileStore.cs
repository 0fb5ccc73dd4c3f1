using Google.Apis.Json;
using Google.Apis.Util.Store;
using Newtonsoft.Json.Linq;

namespace CamShare.Storage.GoogleDrive;

/// <summary>
/// Google.Apis' token store as one JSON file with mode 0600, replaced atomically (temporary file + rename), so
/// the refresh token is never readable by other users and never half-written.
/// </summary>
internal sealed class TokenFileStore(string path) : IDataStore
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task StoreAsync<T>(string key, T value) =>
        await UpdateAsync(all => all[key] = JToken.Parse(NewtonsoftJsonSerializer.Instance.Serialize(value)));

    public async Task DeleteAsync<T>(string key) => await UpdateAsync(all => all.Remove(key));

    public async Task<T> GetAsync<T>(string key)
    {
        var all = await ReadAsync();
        return all.TryGetValue(key, out var token)
            ? NewtonsoftJsonSerializer.Instance.Deserialize<T>(token.ToString())
            : default!;
    }

    public async Task ClearAsync() => await UpdateAsync(all => all.RemoveAll());

    private async Task<JObject> ReadAsync()
    {
        if (!File.Exists(Path)) return new JObject();
        var text = await File.ReadAllTextAsync(Path);
        return string.IsNullOrWhiteSpace(text) ? new JObject() : JObject.Parse(text);
    }

    private async Task UpdateAsync(Action<JObject> change)
    {
        await _lock.WaitAsync();
        try
        {
            var all = await ReadAsync();
            change(all);
            var directory = System.IO.Path.GetDirectoryName(Path)!;
            Directory.CreateDirectory(directory);
            var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(temporary, options))
            await using (var writer = new StreamWriter(stream))
                await writer.WriteAsync(all.ToString());
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            _lock.Release();
        }
    }
}
