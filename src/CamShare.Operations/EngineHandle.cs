using CamShare.Core;

namespace CamShare.Operations;

/// <summary>The running engine, once it exists: the service sets it, the status endpoint reads it.</summary>
public sealed class EngineHandle
{
    private volatile CamShareEngine? _engine;

    public CamShareEngine? Engine { get => _engine; set => _engine = value; }
}
