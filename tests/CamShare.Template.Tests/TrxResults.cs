using System.Xml.Linq;

namespace CamShare.Template.Tests;

/// <summary>The outcome of each test in a VSTest TRX file.</summary>
internal sealed record TrxResults(IReadOnlyList<(string Test, string Outcome)> Results)
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TrxResults Load(string path) => new(XDocument.Load(path).Descendants(Ns + "UnitTestResult")
        .Select(r => ((string?)r.Attribute("testName") ?? "", (string?)r.Attribute("outcome") ?? "")).ToList());

    public TrxResults Where(Func<string, bool> test) => new(Results.Where(r => test(r.Test)).ToList());

    public int Passed => Results.Count(r => r.Outcome == "Passed");

    /// <summary>xunit reports skipped tests (Assert.Skip) as NotExecuted.</summary>
    public int Skipped => Results.Count(r => r.Outcome == "NotExecuted");

    /// <summary>Everything neither passed nor skipped: Failed, Error, Timeout, Aborted, ...</summary>
    public IReadOnlyList<(string Test, string Outcome)> NotPassed =>
        Results.Where(r => r.Outcome is not ("Passed" or "NotExecuted")).ToList();

    public override string ToString() => string.Join("\n", Results.Select(r => $"{r.Outcome}: {r.Test}"));
}
