using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CamShare.Recorder.Tests;

/// <summary>Captures every log line (all levels, with exception text) so tests can search it, e.g. for secrets.</summary>
public sealed class CapturingLogger : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly DateTime _started = DateTime.UtcNow;

    public sealed record LogLine(DateTime At, LogLevel Level, string Category, string Message, string? Exception)
    {
        public override string ToString() => $"{At:HH:mm:ss.fff} {Level,-11} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
    }

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public string AllText => string.Join("\n", _lines.Select(l => l.ToString()));

    public IEnumerable<LogLine> Matching(string text, LogLevel? level = null) =>
        _lines.Where(l => l.Message.Contains(text, StringComparison.Ordinal) && (level is null || l.Level == level));

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(LogLine line)
    {
        _lines.Enqueue(line);
        if (line.Level >= LogLevel.Information)
            try { Xunit.TestContext.Current.TestOutputHelper?.WriteLine(line.ToString()); } catch (InvalidOperationException) { }
    }

    private sealed class Logger(CapturingLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogLine(DateTime.UtcNow, logLevel, category, formatter(state, exception), exception?.ToString()));
    }
}
