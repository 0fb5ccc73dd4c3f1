namespace CamShare.Abstractions;

/// <summary>
/// Marks an options property as a secret. Secrets are never printed, and the host redacts their values from every
/// log line and error. In the configuration a secret named <c>password</c> can be given inline as
/// <c>password</c>, from an environment variable named by <c>passwordEnv</c>, or from a file named by
/// <c>passwordFile</c> (trailing newline removed); the host resolves these before the options reach the provider.
/// </summary>
/// <remarks>
/// Everything else about options uses the platform's own types: <c>[Description]</c>
/// (System.ComponentModel) for help text on the class and each property, <c>[Required]</c>, <c>[Range]</c>,
/// <c>[Url]</c> etc. (System.ComponentModel.DataAnnotations) for rules, and <c>IValidatableObject</c> for
/// cross-field rules. The host validates once at start-up and exits with the key named; a provider's constructor
/// may assume valid options.
/// </remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
