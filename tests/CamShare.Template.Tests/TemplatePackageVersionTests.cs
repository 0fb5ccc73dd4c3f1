using System.Text.RegularExpressions;
using System.Xml.Linq;
using CamShare.Testing;
using Xunit;

namespace CamShare.Template.Tests;

/// <summary>The generated projects live outside this repository and pin their package versions explicitly; they
/// must stay the versions CamShare itself builds and tests with (Directory.Packages.props).</summary>
public sealed class TemplatePackageVersionTests
{
    [Fact]
    public void The_template_pins_the_same_package_versions_as_the_repository()
    {
        var central = CentralVersions();
        var references = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "plugin-template"), "*.csproj", SearchOption.AllDirectories)
            .SelectMany(file => XDocument.Load(file).Descendants("PackageReference")
                .Select(r => (File: Path.GetFileName(file), Id: (string?)r.Attribute("Include") ?? "", Version: (string?)r.Attribute("Version"))))
            .ToList();

        Assert.NotEmpty(references);
        foreach (var (file, id, version) in references)
        {
            Assert.False(version is null, $"{file}: {id} needs an explicit Version (no central package management there)");
            if (id.StartsWith("CamShare.", StringComparison.Ordinal))
                Assert.Equal("2.0.0", version); // the contract's version (ContractVersion 2.0)
            else
                Assert.True(central.TryGetValue(id, out var expected) && expected == version,
                    $"{file}: {id} {version}, but Directory.Packages.props has {(central.TryGetValue(id, out var v) ? v : "no such package")}");
        }
    }

    private static Dictionary<string, string> CentralVersions()
    {
        var document = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        var properties = document.Descendants("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim());
        return document.Descendants("PackageVersion").ToDictionary(
            e => (string)e.Attribute("Include")!,
            e => Regex.Replace((string)e.Attribute("Version")!, @"\$\((\w+)\)", m => properties.GetValueOrDefault(m.Groups[1].Value, m.Value)));
    }
}
