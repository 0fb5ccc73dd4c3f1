using CamShare.Abstractions;
using CamShare.Storage.GoogleDrive.Tests.Fixtures;
using Xunit;
using static CamShare.Storage.GoogleDrive.Tests.Content;

namespace CamShare.Storage.GoogleDrive.Tests;

/// <summary>Drive's error answers, produced by the emulator, arrive as the right storage errors.</summary>
public sealed class ErrorClassificationTests(DriveEmulatorFixture fixture) : IClassFixture<DriveEmulatorFixture>
{
    [Theory]
    [InlineData("rateLimitExceeded")]
    [InlineData("userRateLimitExceeded")]
    public async Task Rate_limits_are_transient_and_carry_Retry_After(string reason)
    {
        using var provider = fixture.Create();
        await provider.PutAsync($"rate-{reason}/a.mp4", Generated(10, 1), null, Timeout());
        fixture.Emulator.Faults.FailNext(1, 403, reason, retryAfterSeconds: 7);

        var error = await Assert.ThrowsAsync<StorageTransientException>(() => provider.StatAsync($"rate-{reason}/a.mp4", Timeout()));

        Assert.True(error.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains(reason, error.Message);
        Assert.Equal(10, (await provider.StatAsync($"rate-{reason}/a.mp4", Timeout())).Size); // the backoff's retry works
    }

    [Fact]
    public async Task A_503_is_retried_with_backoff_by_the_client_library()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("retry503/a.mp4", Generated(10, 2), null, Timeout());
        fixture.Emulator.Faults.FailNext(1, 503, "backendError");
        Assert.Equal(10, (await provider.StatAsync("retry503/a.mp4", Timeout())).Size);
    }

    [Fact]
    public async Task Persistent_5xx_is_transient()
    {
        using var provider = fixture.Create();
        fixture.Emulator.Faults.FailNext(1, 500, "backendError");
        var error = await Assert.ThrowsAsync<StorageTransientException>(() => provider.StatAsync("x/y.mp4", Timeout()));
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task A_full_drive_is_a_quota_error()
    {
        using var provider = fixture.Create();
        fixture.Emulator.StorageQuotaBytes = 1;
        try
        {
            var error = await Assert.ThrowsAsync<StorageQuotaException>(() =>
                provider.PutAsync("quota/a.mp4", Generated(5000, 3), null, Timeout()));
            Assert.Contains("storageQuotaExceeded", error.Message);
            Assert.False(error.IsRetryable);
        }
        finally
        {
            fixture.Emulator.StorageQuotaBytes = null;
        }
    }

    [Fact]
    public async Task Missing_permission_is_an_authentication_error()
    {
        using var provider = fixture.Create();
        fixture.Emulator.Faults.FailNext(1, 403, "insufficientPermissions");
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() =>
            provider.PutAsync("perm/a.mp4", Generated(10, 4), null, Timeout()));
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task A_missing_object_is_not_found()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("nf/a.mp4", Generated(10, 5), null, Timeout());
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.StatAsync("nf/b.mp4", Timeout()));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => provider.OpenReadAsync("nowhere/b.mp4", Timeout()));
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_automatically()
    {
        using var provider = fixture.Create();
        await provider.PutAsync("refresh/a.mp4", Generated(10, 6), null, Timeout());
        var refreshes = fixture.Emulator.TokenGrants.GetValueOrDefault("refresh_token");

        fixture.Emulator.ExpireAccessTokens();

        Assert.Equal(10, (await provider.StatAsync("refresh/a.mp4", Timeout())).Size);
        Assert.Equal(refreshes + 1, fixture.Emulator.TokenGrants["refresh_token"]);
    }

    [Fact]
    public async Task A_401_after_the_refresh_failed_is_an_authentication_error_without_secrets()
    {
        var file = Path.Combine(fixture.Home, "to-revoke.json");
        var token = fixture.Emulator.IssueRefreshToken(DriveEmulatorFixture.ClientId);
        await DriveEmulatorFixture.WriteTokenFileAsync(file, token);
        using var provider = fixture.Create(o => o.TokenFile = file);
        await provider.PutAsync("revoked/a.mp4", Generated(10, 7), null, Timeout());

        fixture.Emulator.RevokeRefreshToken(token);
        fixture.Emulator.ExpireAccessTokens();

        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.StatAsync("revoked/a.mp4", Timeout()));
        Assert.DoesNotContain(token, error.Message);
        Assert.DoesNotContain(DriveEmulatorFixture.ClientSecret, error.ToString());
    }

    [Fact]
    public async Task A_wrong_client_secret_is_an_authentication_error_that_does_not_show_it()
    {
        const string wrong = "GOCSPX-this-is-not-the-secret";
        // A token file without a cached access token, so the first call must go to the token endpoint.
        var file = Path.Combine(fixture.Home, "fresh-for-wrong-secret.json");
        await DriveEmulatorFixture.WriteTokenFileAsync(file, fixture.RefreshToken);
        using var provider = fixture.Create(o =>
        {
            o.ClientSecret = wrong;
            o.TokenFile = file;
        });
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() =>
            provider.PutAsync("wrong-secret/a.mp4", Generated(10, 8), null, Timeout()));
        Assert.DoesNotContain(wrong, error.Message);
    }

    [Fact]
    public async Task No_token_file_says_to_run_camshare_auth()
    {
        using var provider = fixture.Create(o => o.TokenFile = Path.Combine(fixture.Home, "absent.json"));
        var error = await Assert.ThrowsAsync<StorageAuthenticationException>(() => provider.StatAsync("a/b.mp4", Timeout()));
        Assert.Contains("camshare auth", error.Message);
    }
}
