using CamShare.Testing;
using Xunit;

namespace CamShare.Cli.Tests;

/// <summary>`camshare check` probes each camera with ffprobe: its codecs, or why it cannot be recorded.</summary>
public sealed class CheckCameraTests : IAsyncLifetime
{
    private const string Password = "s3cr:et@/%";
    private readonly string _dir = Directory.CreateTempSubdirectory("camshare-check-").FullName;
    private RtspCamera? _camera;

    public async ValueTask InitializeAsync() => _camera = await RtspCamera.StartAsync("viewer", Password);

    public async ValueTask DisposeAsync()
    {
        if (_camera is not null) await _camera.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("right", "ok    camera porch", "video h264, audio pcm_alaw")]
    [InlineData("wrong-password", "FAIL  camera porch", "401 unauthorized")]
    [InlineData("wrong-path", "FAIL  camera porch", "404 not found")]
    [InlineData("closed-port", "FAIL  camera porch", "unreachable: connection refused")]
    public async Task The_camera_probe_names_the_codecs_or_the_cause(string variant, string start, string detail)
    {
        var url = variant switch
        {
            "wrong-path" => _camera!.Url.Replace("/stream", "/nothing-here"),
            "closed-port" => $"rtsp://127.0.0.1:{FreePort.Next()}/stream",
            _ => _camera!.Url,
        };
        var password = variant == "wrong-password" ? "not-the-password" : Password;
        var config = Path.Combine(_dir, $"{variant}.json");
        File.WriteAllText(config, $$"""
            { "cameras": [ { "name": "porch", "url": "{{url}}", "username": "viewer", "passwordEnv": "PORCH_PASSWORD",
                             "rtspTimeoutSeconds": 3, "destinations": ["nas"] } ],
              "storages": [ { "name": "nas", "provider": "local", "path": "{{Path.Combine(_dir, "nas")}}" } ] }
            """);
        var result = await CamShareCli.RunAsync(["check", "--config", config],
            new Dictionary<string, string?> { ["PORCH_PASSWORD"] = password });

        var line = result.StandardOutput.Split('\n').SingleOrDefault(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(line is not null, result.StandardOutput + result.StandardError);
        Assert.Contains(detail, line);
        Assert.Equal(variant == "right" ? 0 : 1, result.ExitCode);
        Assert.DoesNotContain(password, result.StandardOutput + result.StandardError);
        Assert.DoesNotContain(Uri.EscapeDataString(password), result.StandardOutput + result.StandardError);
    }
}
