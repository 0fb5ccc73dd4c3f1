namespace CamShare.Operations;

/// <summary>Evaluates the health model of the running engine on demand.</summary>
public sealed class HealthMonitor(EngineHandle handle, TimeProvider time)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    /// <summary>The service now, or null before the engine runs.</summary>
    public HealthSnapshot? Current() =>
        handle.Engine is { } engine ? HealthModel.Evaluate(engine, time.GetUtcNow(), _startedAt) : null;
}
