using Microsoft.Extensions.Logging;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>Keeps every log line (with exception messages) for assertions.</summary>
internal sealed class ListLogger : ILoggerProvider, ILoggerFactory
{
    private readonly List<string> _lines = [];

    public string Text { get { lock (_lines) return string.Join('\n', _lines); } }

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(ListLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.Message)}";
            lock (owner._lines) owner._lines.Add(line);
        }
    }
}
