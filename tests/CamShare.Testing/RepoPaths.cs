namespace CamShare.Testing;

/// <summary>Where things are in the repository, found from the test binary's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Folder each provider plugin is built into (artifacts/plugins/NAME).</summary>
    public static string Plugins => Path.Combine(Root, "artifacts", "plugins");

    /// <summary>Test-only tools installed by .ci/run (npm packages and the like).</summary>
    public static string TestTools => Path.Combine(Root, "artifacts", "test-tools");

    /// <summary>Scripts and fixtures kept in the repository for tests (tests/tools).</summary>
    public static string TestScripts => Path.Combine(Root, "tests", "tools");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CamShare.sln"))) return dir.FullName;
        throw new InvalidOperationException("CamShare.sln not found above " + AppContext.BaseDirectory);
    }
}
