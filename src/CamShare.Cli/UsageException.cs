namespace CamShare.Cli;

/// <summary>A command line that cannot be carried out as given (exit 2); the message says what to pass instead.</summary>
internal sealed class UsageException(string message) : Exception(message);
