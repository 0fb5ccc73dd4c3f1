using System.Net.Sockets;
using CamShare.Core.Configuration;

namespace CamShare.Core.Recording;

/// <summary>Whether the camera's RTSP port accepts a TCP connection: a cheap probe while the camera is down.</summary>
internal sealed class CameraReachability
{
    private readonly string? _host;
    private readonly int _port;

    public CameraReachability(CameraSettings camera)
    {
        if (FfmpegCommand.IsDemo(camera) || !Uri.TryCreate(camera.Url, UriKind.Absolute, out var uri)) return;
        _host = uri.Host;
        _port = uri.IsDefaultPort || uri.Port <= 0 ? (uri.Scheme == "rtsps" ? 322 : 554) : uri.Port;
    }

    public bool CanProbe => _host is not null;

    public async Task<bool> AnswersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_host is null) return true;
        using var client = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(_host, _port, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
