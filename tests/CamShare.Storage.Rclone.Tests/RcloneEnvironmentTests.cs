using CamShare.Abstractions;
using CamShare.Storage.Conformance;
using Xunit;
using static CamShare.Storage.Rclone.Tests.TestData;

namespace CamShare.Storage.Rclone.Tests;

/// <summary>rclone gets only the environment it needs: camshare's other secrets (variables named by
/// passwordEnv, secretAccessKeyEnv, …) never reach its /proc/PID/environ, while RCLONE_* remotes still work.</summary>
[Collection(RcloneProcessCollection.Name)]
public sealed class RcloneEnvironmentTests(LocalRemoteFixture fixture) : IClassFixture<LocalRemoteFixture>
{
    [Fact]
    public async Task Rclone_never_sees_camshares_other_environment_variables()
    {
        const string secretName = "CAMSHARE_TEST_S3_SECRET";
        const string secret = "env-S3cret-not-for-rclone";
        Environment.SetEnvironmentVariable(secretName, secret);
        Environment.SetEnvironmentVariable("RCLONE_CAMSHARE_TEST_MARKER", "kept");
        try
        {
            var provider = fixture.Create(fixture.Options());
            var environments = new List<string>();
            // Read while rclone runs: the upload below waits at its gate until the environment was read.
            provider.Runner.ProcessStarted = pid =>
            {
                var text = File.ReadAllText($"/proc/{pid}/environ");
                lock (environments) environments.Add(text);
            };
            const long length = 1 << 20;
            using var content = new GeneratedStream(length, seed: 7, gateAt: length / 2);
            var put = provider.PutAsync(NewPrefix("environment") + "segment.mp4",
                UploadSource.FromStream(length, _ => ValueTask.FromResult<Stream>(content)), null, TestContext.Current.CancellationToken);
            await Task.WhenAny(content.ReachedGate, put);
            content.Release();
            await put;

            Assert.NotEmpty(environments);
            foreach (var environment in environments)
            {
                var variables = environment.Split('\0', StringSplitOptions.RemoveEmptyEntries);
                Assert.DoesNotContain(variables, v => v.Contains(secret, StringComparison.Ordinal));
                Assert.Contains(variables, v => v.StartsWith("PATH=", StringComparison.Ordinal));
                Assert.Contains("RCLONE_CAMSHARE_TEST_MARKER=kept", variables);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(secretName, null);
            Environment.SetEnvironmentVariable("RCLONE_CAMSHARE_TEST_MARKER", null);
        }
    }
}
