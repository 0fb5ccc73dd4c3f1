using CamShare.Abstractions;
using CamShare.Storage.Sftp.Tests.Fixtures;
using CamShare.Testing;
using Xunit;
using static CamShare.Storage.Sftp.Tests.TestData;

namespace CamShare.Storage.Sftp.Tests;

/// <summary>Logins (password, keys, passphrases) and the pinned host key, against the real sshd.</summary>
public sealed class LoginAndHostKeyTests(PasswordSftpFixture fixture) : IClassFixture<PasswordSftpFixture>
{
    private readonly string _prefix = NewPrefix("login");

    [Theory]
    [InlineData("as printed")]
    [InlineData("without prefix")]
    [InlineData("with padding")]
    public async Task The_fingerprint_is_accepted_with_or_without_its_prefix(string form)
    {
        var printed = fixture.Server.HostKeyFingerprint;
        Assert.StartsWith("SHA256:", printed);
        var options = fixture.Options();
        options.HostKeyFingerprint = form switch
        {
            "without prefix" => printed["SHA256:".Length..],
            "with padding" => printed + "=",
            _ => printed,
        };
        using var provider = fixture.Create(options);
        var key = _prefix + $"fingerprint-{form.Replace(' ', '-')}.mp4";
        Assert.Equal(1234, (await provider.PutAsync(key, Generated(1234, 1), null, Timeout())).Size);
        await provider.DeleteAsync(key, Timeout());
    }

    [Fact]
    public async Task A_different_host_key_is_refused_showing_the_fingerprint_the_server_sent()
    {
        // A real fingerprint, of another key: what a man in the middle (or a reinstalled server) shows.
        var other = (await OpenSshServer.RunAsync("ssh-keygen", "-lf", fixture.Server.ClientKeyPath + ".pub")).Split(' ')[1];
        var options = fixture.Options();
        options.HostKeyFingerprint = other;
        using var provider = fixture.Create(options);

        var error = await Assert.ThrowsAsync<HostKeyMismatchException>(() =>
            provider.PutAsync(_prefix + "mitm.mp4", Generated(10, 2), null, Timeout()));
        Assert.IsAssignableFrom<StorageConfigurationException>(error);
        Assert.False(error.IsRetryable);
        Assert.Contains(fixture.Server.HostKeyFingerprint, error.Message, StringComparison.Ordinal); // the key it saw
        Assert.Contains(other, error.Message, StringComparison.Ordinal);                              // the pinned one
        Assert.Equal(fixture.Server.HostKeyFingerprint["SHA256:".Length..], error.SeenFingerprint);
        Assert.DoesNotContain(Messages(error), m => m.Contains(OpenSshServer.Password, StringComparison.Ordinal));
        await Assert.ThrowsAsync<HostKeyMismatchException>(() => provider.StatAsync(_prefix + "mitm.mp4", Timeout()));
        Assert.False(File.Exists(fixture.OnDisk(_prefix + "mitm.mp4")));
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_error_without_the_password()
    {
        using var provider = (SftpStorageProvider)fixture.CreateProviderWithBadCredentials()!;
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() =>
            provider.PutAsync(_prefix + "denied.mp4", Generated(10, 3), null, Timeout()));
        Assert.False(error.IsRetryable);
        Assert.Contains("login refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Messages(error), m => m.Contains(SftpServerFixture.WrongPassword, StringComparison.Ordinal) ||
                                                   m.Contains(OpenSshServer.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ed25519_key_logs_in_and_an_unauthorised_key_does_not()
    {
        var options = fixture.Options();
        options.Password = null;
        options.PrivateKey = File.ReadAllText(fixture.Server.ClientKeyPath);
        using (var provider = fixture.Create(options))
        {
            await provider.PutAsync(_prefix + "by-key.mp4", Generated(5000, 4), null, Timeout());
            Assert.Equal(5000, (await provider.StatAsync(_prefix + "by-key.mp4", Timeout())).Size);
            await provider.DeleteAsync(_prefix + "by-key.mp4", Timeout());
        }
        options.PrivateKey = File.ReadAllText(fixture.Server.UnauthorizedKeyPath);
        using var refused = fixture.Create(options);
        await Assert.ThrowsAsync<StorageAuthenticationException>(() => refused.StatAsync(_prefix + "by-key.mp4", Timeout()));
    }

    [Fact]
    public async Task An_encrypted_key_needs_its_passphrase()
    {
        const string passphrase = "key pässphrase 9";
        var keyPath = Path.Combine(fixture.Server.Base, $"encrypted-{Guid.NewGuid():N}");
        await OpenSshServer.RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", keyPath);
        fixture.Server.AuthorizeKey(keyPath + ".pub");
        var options = fixture.Options();
        options.Password = null;
        options.PrivateKey = File.ReadAllText(keyPath);
        options.PrivateKeyPassphrase = passphrase;
        using (var provider = fixture.Create(options))
            Assert.Equal(77, (await provider.PutAsync(_prefix + "encrypted-key.mp4", Generated(77, 5), null, Timeout())).Size);

        options.PrivateKeyPassphrase = "not the passphrase";
        using (var wrong = fixture.Create(options))
        {
            var error = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() => wrong.StatAsync(_prefix + "encrypted-key.mp4", Timeout()));
            Assert.DoesNotContain(Messages(error), m => m.Contains("not the passphrase", StringComparison.Ordinal));
        }
        options.PrivateKeyPassphrase = null;
        using var missing = fixture.Create(options);
        var noPassphrase = await Assert.ThrowsAnyAsync<StorageConfigurationException>(() => missing.StatAsync(_prefix + "encrypted-key.mp4", Timeout()));
        Assert.Contains("passphrase", noPassphrase.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_write_permission_gets_an_authentication_error()
    {
        // Root's folder: the test user may read it but not create anything in it.
        var locked = Path.Combine(fixture.Server.Data, $"locked-{Guid.NewGuid():N}");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, (UnixFileMode)0b111_101_101);
        var options = fixture.Options();
        options.RootFolder = locked;
        using var provider = fixture.Create(options);
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() =>
            provider.PutAsync("cam/segment.mp4", Generated(100, 6), null, Timeout()));
        Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(locked));
    }
}
