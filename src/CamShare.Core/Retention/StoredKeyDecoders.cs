using CamShare.Core.Configuration;

namespace CamShare.Core.Retention;

/// <summary>
/// Which <see cref="IStoredKeyDecoder"/> a storage's retention uses. One place for the engine and
/// <c>camshare prune</c>: a storage without an "encryption" section stores plain keys.
/// </summary>
public static class StoredKeyDecoders
{
    /// <summary>The decoder for <paramref name="storage"/>, or null when its keys cannot be read yet (an encrypted
    /// storage and no name decryptor given): retention then deletes nothing and says so.</summary>
    /// <param name="storage">The storage as configured.</param>
    /// <param name="encrypted">Makes the decoder of an encrypted storage; by default the storage's own
    /// rclone-crypt name cipher (<see cref="CryptStoredKeys"/>).</param>
    public static IStoredKeyDecoder? For(StorageSettings storage, Func<StorageSettings, IStoredKeyDecoder?>? encrypted = null) =>
        storage.Encryption is null ? PlainStoredKeys.Instance : (encrypted ?? DefaultEncrypted).Invoke(storage);

    private static IStoredKeyDecoder? DefaultEncrypted(StorageSettings storage) => CryptStoredKeys.For(storage.Encryption!);
}
