using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CamShare.Abstractions;
using Microsoft.Extensions.Logging;

namespace CamShare.Storage.Ftp;

/// <summary>
/// One logged-in control connection (RFC 959) in binary mode, protected by TLS (RFC 4217: AUTH TLS, PBSZ 0,
/// PROT P) unless tlsMode is none. It opens passive data connections (EPSV, RFC 2428, or PASV) that resume the
/// control connection's TLS session. Used by one operation at a time; any failure marks it broken.
/// </summary>
internal sealed partial class FtpControlConnection : IAsyncDisposable
{
    private readonly FtpSettings _settings;
    private readonly Socket _socket;
    private Stream _stream;
    private FtpReplyReader _reader;
    private readonly int _sessionName;
    private Socket? _dataSocket; // the transfer in flight (one at a time per control connection)

    private FtpControlConnection(FtpSettings settings, int slot, Socket socket)
    {
        _settings = settings;
        Slot = slot;
        _sessionName = TlsSessionNames.Take(settings.Host);
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new FtpReplyReader(_stream);
    }

    /// <summary>The connection's place in its pool.</summary>
    public int Slot { get; }

    public FtpFeatures Features { get; private set; } = FtpFeatures.None;

    /// <summary>The login folder as PWD reported it ("/" on a chrooted server), without a trailing '/'.</summary>
    public string Home { get; private set; } = "";

    /// <summary>"TLSv1.3, TLS_AES_256_GCM_SHA384", or "none".</summary>
    public string TlsDescription { get; private set; } = "none";

    /// <summary>Something failed midway: the connection's state is unknown and it must not be reused.</summary>
    public bool IsBroken { get; private set; }

    public DateTime LastUsedUtc { get; private set; } = DateTime.UtcNow;

    /// <summary>Scrubs the password from text the server sent.</summary>
    public SecretRedactor Redactor => _settings.Redactor;

    /// <summary>Connects, secures and logs in.</summary>
    public static async Task<FtpControlConnection> OpenAsync(FtpSettings settings, int slot, CancellationToken cancellationToken)
    {
        var what = $"FTP connect to {settings.Host}:{settings.Port}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(settings.Timeout);
                try
                {
                    await socket.ConnectAsync(settings.Host, settings.Port, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new StorageUnreachableException($"{what}: no connection within {settings.Timeout.TotalSeconds:0} s.");
                }
            }
        }
        catch (Exception ex)
        {
            socket.Dispose();
            throw FtpErrors.FromException(ex, what, null, settings.Timeout, cancellationToken, settings.Redactor);
        }
        var connection = new FtpControlConnection(settings, slot, socket);
        try
        {
            await connection.LogInAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw FtpErrors.FromException(ex, what, settings.Trust.LastRejection, settings.Timeout, cancellationToken, settings.Redactor);
        }
    }

    private async Task LogInAsync(CancellationToken cancellationToken)
    {
        if (_settings.TlsMode == FtpTlsMode.Implicit) await SecureControlAsync(cancellationToken).ConfigureAwait(false);
        var greeting = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        while (greeting.Code == 120) greeting = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        if (greeting.Code != 220) throw FtpErrors.FromReply(greeting, FtpAction.Login, "FTP greeting", _settings.Redactor);

        if (_settings.TlsMode == FtpTlsMode.Explicit)
        {
            var auth = await SendAsync("AUTH TLS", cancellationToken).ConfigureAwait(false);
            if (auth.Code != 234)
                throw new StorageConfigurationException($"AUTH TLS: the server answered {_settings.Redactor.Redact(auth.ToString())}: " +
                                                        "it offers no explicit TLS (try tlsMode implicit, port 990).");
            await SecureControlAsync(cancellationToken).ConfigureAwait(false);
        }

        var user = await SendAsync("USER " + _settings.Username, cancellationToken).ConfigureAwait(false);
        if (user.Code == 331)
            user = await SendAsync("PASS " + _settings.Password, cancellationToken).ConfigureAwait(false);
        if (user.Code == 332)
            throw new StorageConfigurationException("login: the server wants an account (ACCT), which is not supported.");
        if (user.Code != 230) throw FtpErrors.FromReply(user, FtpAction.Login, "login", _settings.Redactor);

        Features = FtpFeatures.Parse(await SendAsync("FEAT", cancellationToken).ConfigureAwait(false));
        if (Features.Utf8) await SendAsync("OPTS UTF8 ON", cancellationToken).ConfigureAwait(false); // a refusal changes nothing
        if (_settings.UsesTls)
        {
            await ExpectAsync("PBSZ 0", FtpAction.Other, "PBSZ 0", cancellationToken).ConfigureAwait(false);
            await ExpectAsync("PROT P", FtpAction.Other, "PROT P", cancellationToken).ConfigureAwait(false);
        }
        await ExpectAsync("TYPE I", FtpAction.Other, "TYPE I", cancellationToken).ConfigureAwait(false);
        var pwd = await ExpectAsync("PWD", FtpAction.Other, "PWD", cancellationToken).ConfigureAwait(false);
        Home = ParsePwd(pwd.Message)?.TrimEnd('/') ?? "";
    }

    private async Task SecureControlAsync(CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = Timeout(cancellationToken);
        await ssl.AuthenticateAsClientAsync(_settings.TlsOptionsFor(_sessionName), timeout.Token).ConfigureAwait(false);
        _stream = ssl;
        _reader = new FtpReplyReader(ssl);
        TlsDescription = $"{ssl.SslProtocol}, {ssl.NegotiatedCipherSuite}";
    }

    /// <summary>Sends one command and reads its reply (any code).</summary>
    public async Task<FtpReply> SendAsync(string command, CancellationToken cancellationToken)
    {
        if (command.IndexOfAny(['\r', '\n']) >= 0)
            throw new ArgumentException("an FTP command cannot contain a line break", nameof(command));
        if (IsBroken) throw new FtpConnectionLostException("the connection is broken");
        LastUsedUtc = DateTime.UtcNow;
        try
        {
            using var timeout = Timeout(cancellationToken);
            var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
            await _stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
            await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            var reply = await _reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (_settings.Logger.IsEnabled(LogLevel.Trace))
                _settings.Logger.LogTrace("FTP {Storage} slot {Slot}: {Command} -> {Reply}", _settings.StorageName, Slot,
                    command.StartsWith("PASS ", StringComparison.Ordinal) ? "PASS ***" : command, _settings.Redactor.Redact(reply.ToString()));
            if (reply.Code == 421) IsBroken = true;
            return reply;
        }
        catch
        {
            IsBroken = true;
            throw;
        }
    }

    /// <summary>Sends a command and throws the mapped error unless the reply is 2xx (or 3xx when allowed).</summary>
    public async Task<FtpReply> ExpectAsync(string command, FtpAction action, string what, CancellationToken cancellationToken,
        bool intermediateOk = false)
    {
        var reply = await SendAsync(command, cancellationToken).ConfigureAwait(false);
        if (reply.IsSuccess || (intermediateOk && reply.IsIntermediate)) return reply;
        throw FtpErrors.FromReply(reply, action, what, _settings.Redactor);
    }

    /// <summary>Reads the next reply (e.g. the 226 after a transfer).</summary>
    public async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = Timeout(cancellationToken);
            var reply = await _reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (reply.Code == 421) IsBroken = true;
            return reply;
        }
        catch
        {
            IsBroken = true;
            throw;
        }
    }

    /// <summary>
    /// Opens a passive data connection, sends <paramref name="command"/> (STOR, RETR, MLSD, LIST), waits for the
    /// 1xx reply and secures the data connection with the control connection's TLS session. The caller moves the
    /// data, then calls <see cref="FinishTransferAsync"/>.
    /// </summary>
    public async Task<Stream> OpenDataAsync(string command, FtpAction action, string what, CancellationToken cancellationToken)
    {
        var endPoint = await PassiveEndPointAsync(what, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var timeout = Timeout(cancellationToken))
                await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            _dataSocket = socket;
            var reply = await SendAsync(command, cancellationToken).ConfigureAwait(false);
            if (!reply.IsPreliminary) throw FtpErrors.FromReply(reply, action, what, _settings.Redactor);
            if (_settings.UsesTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var timeout = Timeout(cancellationToken);
                await ssl.AuthenticateAsClientAsync(_settings.TlsOptionsFor(_sessionName), timeout.Token).ConfigureAwait(false);
            }
            return stream;
        }
        catch (Exception ex)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            else socket.Dispose();
            if (ex is not StorageException) IsBroken = true;
            throw;
        }
    }

    /// <summary>Closes the data connection (with a TLS close_notify after an upload) and checks the final reply.</summary>
    public async Task FinishTransferAsync(Stream data, bool upload, FtpAction action, string what, CancellationToken cancellationToken)
    {
        try
        {
            if (upload)
            {
                using var timeout = Timeout(cancellationToken);
                await data.FlushAsync(timeout.Token).ConfigureAwait(false);
                await CloseGracefullyAsync(data, timeout.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            await data.DisposeAsync().ConfigureAwait(false);
        }
        var reply = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        if (!reply.IsSuccess) throw FtpErrors.FromReply(reply, action, what, _settings.Redactor);
    }

    /// <summary>
    /// Ends an upload's data connection so that the server sees a clean end of data: TLS close_notify, then a
    /// FIN, then reading until the server closes. Closing with unread bytes in the receive buffer (TLS 1.3
    /// session tickets the server sends after the handshake) would make the kernel send a reset instead, and
    /// vsftpd answers that with "426 Failure reading network stream" even though every byte arrived.
    /// </summary>
    private async Task CloseGracefullyAsync(Stream data, CancellationToken cancellationToken)
    {
        if (data is SslStream ssl) await ssl.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _dataSocket?.Shutdown(SocketShutdown.Send);
        var sink = new byte[4096];
        try
        {
            while (await data.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0) { }
        }
        catch (IOException)
        {
            // The server may reset instead of closing; its reply on the control connection decides.
        }
    }

    /// <summary>Gives up on the connection (a cancelled transfer): it is closed, never reused.</summary>
    public void MarkBroken() => IsBroken = true;

    private async Task<IPEndPoint> PassiveEndPointAsync(string what, CancellationToken cancellationToken)
    {
        var serverAddress = ((IPEndPoint)_socket.RemoteEndPoint!).Address;
        if (serverAddress.IsIPv4MappedToIPv6) serverAddress = serverAddress.MapToIPv4(); // the control socket is dual-mode
        if (_settings.PassiveMode != FtpPassiveMode.Pasv && !_settings.EpsvUnsupported)
        {
            var epsv = await SendAsync("EPSV", cancellationToken).ConfigureAwait(false);
            if (epsv.Code == 229 && EpsvPort().Match(epsv.Message) is { Success: true } m)
                return new IPEndPoint(serverAddress, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            if (_settings.PassiveMode == FtpPassiveMode.Epsv || epsv.Code is not (>= 500 and < 600))
                throw FtpErrors.FromReply(epsv, FtpAction.Other, $"{what}: EPSV", _settings.Redactor);
            _settings.EpsvUnsupported = true;
            _settings.Logger.LogInformation("FTP {Storage}: the server refuses EPSV ({Reply}); using PASV", _settings.StorageName,
                _settings.Redactor.Redact(epsv.ToString()));
        }
        var pasv = await ExpectAsync("PASV", FtpAction.Other, $"{what}: PASV", cancellationToken).ConfigureAwait(false);
        var p = PasvAddress().Match(pasv.Message);
        if (!p.Success) throw new FtpProtocolException($"{what}: PASV reply without an address: '{pasv.Message}'");
        // The address in the reply is often a private one behind NAT: connect to the control connection's peer.
        var port = int.Parse(p.Groups[5].Value, CultureInfo.InvariantCulture) * 256 + int.Parse(p.Groups[6].Value, CultureInfo.InvariantCulture);
        return new IPEndPoint(serverAddress, port);
    }

    /// <summary>The path in a 257 reply: "/a ""quoted"" dir" is created → /a "quoted" dir.</summary>
    internal static string? ParsePwd(string message)
    {
        var start = message.IndexOf('"');
        if (start < 0) return null;
        var path = new StringBuilder();
        for (var i = start + 1; i < message.Length; i++)
        {
            if (message[i] != '"') { path.Append(message[i]); continue; }
            if (i + 1 < message.Length && message[i + 1] == '"') { path.Append('"'); i++; continue; }
            return path.ToString();
        }
        return null;
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_settings.Timeout);
        return cts;
    }

    /// <summary>Says QUIT when the connection is healthy, then closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!IsBroken)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                var bytes = Encoding.ASCII.GetBytes("QUIT\r\n");
                await _stream.WriteAsync(bytes, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // closing anyway
            }
        }
        IsBroken = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _released, 1) == 0) TlsSessionNames.Release(_settings.Host, _sessionName);
    }

    private int _released;

    [GeneratedRegex(@"\((.)\1\1(\d+)\1\)")]
    private static partial Regex EpsvPort();

    [GeneratedRegex(@"(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")]
    private static partial Regex PasvAddress();
}
