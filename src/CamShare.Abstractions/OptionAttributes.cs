namespace CamShare.Abstractions;

/// <summary>
/// Marks an options property as a secret. Secrets are never printed. In the configuration a secret named
/// <c>password</c> can be given inline as <c>password</c>, from an environment variable named by
/// <c>passwordEnv</c>, or from a file named by <c>passwordFile</c> (trailing newline removed); the host
/// resolves these before the options reach the provider.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>Help text for an options property or an options class, shown by <c>camshare providers</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class OptionHelpAttribute(string text) : Attribute
{
    /// <summary>The help text.</summary>
    public string Text { get; } = text;
}

/// <summary>Marks an options property that must be set.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredOptionAttribute : Attribute;

/// <summary>
/// Options classes implement this to check rules the binder cannot (ranges, cross-field rules).
/// </summary>
public interface IValidatableOptions
{
    /// <summary>Returns one problem per broken rule; empty when the options are valid.</summary>
    IEnumerable<OptionProblem> Validate();
}

/// <summary>A problem with one option.</summary>
/// <param name="Key">The option's key as written in the config (camelCase), e.g. "bucket".</param>
/// <param name="Message">What is wrong and how to fix it. No secret values.</param>
public sealed record OptionProblem(string Key, string Message);
